from smm.cli import main

raise SystemExit(main())
