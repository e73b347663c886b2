# The two commands a newcomer needs:  make demo  and  make test  (see README.md).
.PHONY: demo test setup lint format messages clean-var bench

demo:
	@scripts/demo.sh

test:
	@scripts/bootstrap.sh test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest

setup:
	@scripts/bootstrap.sh demo

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Re-extract translatable strings after changing them, then fill in locale/zh_Hans/.../django.po.
messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=bench

# Benchmarks against a baseline in the same run (not tests): tiles, GeoJSON, alert latency, ingest.
bench:
	@scripts/bootstrap.sh test
	bench/run.sh
	.venv/bin/python bench/ingest_bench.py
	.venv/bin/python bench/impact_bench.py
