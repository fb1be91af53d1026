.PHONY: run test lint bench sample

run:        ## install and start the app on the bundled sample data
	bash scripts/run.sh

test:       ## install test dependencies and run every test
	bash scripts/test.sh

lint:       ## what CI checks: ruff lint rules (layout is hand-kept at 110 columns; ruff format is not enforced)
	python3 -m ruff check .

bench:      ## print performance figures (ratios against baselines measured in the same run)
	python3 bench/ingest.py && python3 bench/overview.py && python3 bench/whatif.py && python3 bench/content.py && python3 bench/kol.py && python3 bench/reruns.py

sample:     ## regenerate sample_data/files from the seeded generator
	python3 sample_data/generate.py
