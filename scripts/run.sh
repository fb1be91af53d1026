#!/usr/bin/env bash
# Install smm and start the app; on an empty store it loads the bundled sample data first.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
exec python3 -m streamlit run app.py "$@"
