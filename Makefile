.PHONY: run test lint format bench sample

run:        ## install and start the app on the bundled sample data
	bash scripts/run.sh

test:       ## install test dependencies and run every test
	bash scripts/test.sh

lint:
	python3 -m ruff check . && python3 -m ruff format --check .

format:
	python3 -m ruff format .

bench:      ## print performance figures (ratios against baselines measured in the same run)
	python3 bench/ingest.py && python3 bench/overview.py && python3 bench/whatif.py

sample:     ## regenerate sample_data/files from the seeded generator
	python3 sample_data/generate.py
