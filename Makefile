# The two commands of the README are `make run` and `make test`; the rest are for developers.
PYTHON_ENV := .venv/bin/python
MANAGE := $(PYTHON_ENV) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test install install-dev worker beat lint format lock messages bench

## run: install, migrate, load the demo, serve http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
run: install-dev
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) demo
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

## test: install, then run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test:
	BROWSER=1 scripts/bootstrap.sh requirements-dev.lock
	$(PYTHON_ENV) -m pytest $(PYTEST_ARGS)

install:
	scripts/bootstrap.sh requirements.lock

install-dev:
	scripts/bootstrap.sh requirements-dev.lock

## worker / beat: the Celery processes of the full stack (REDIS_URL must be set)
worker:
	.venv/bin/celery -A aptic worker --loglevel=INFO

beat:
	.venv/bin/celery -A aptic beat --loglevel=INFO --schedule var/celerybeat-schedule

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## lock: re-pin the dependencies after editing pyproject.toml
lock:
	uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --extra dev -o requirements-dev.lock
	uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -c requirements-dev.lock -o requirements.lock

## messages: extract and compile the translations (needs gettext)
messages:
	DEBUG=1 $(MANAGE) makemessages --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --ignore '.tools/*'
	DEBUG=1 $(MANAGE) compilemessages --locale en --ignore '.venv/*' --ignore '.tools/*'

## bench: speed targets in throw-away databases (issuance; redemptions under gunicorn and the monthly run of
## 1 000 000 redemptions when DATABASE_URL is PostgreSQL)
bench:
	$(PYTHON_ENV) -m bench issuance
	case "$$DATABASE_URL" in postgres*) $(PYTHON_ENV) -m bench redemption && $(PYTHON_ENV) -m bench settlement ;; \
	  *) echo "redemption and settlement benchmarks: they need DATABASE_URL=postgres://..." ;; esac
