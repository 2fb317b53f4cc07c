# The README's commands. `make run` shows the product on SQLite with in-process tasks;
# `make test` installs what the suite needs and runs it on PostgreSQL and Redis.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's emails follow the address served (make run PORT=8001), unless set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test check lint system services venv bench messages static makemessages clean

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ]; then py=$$(scripts/find-python.sh) && "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

system:
	@scripts/system-deps.sh

services:
	@scripts/services.sh

messages: venv
	$(PY) manage.py compile_translations

# Hashed, brotli- and gzip-compressed static files in staticfiles/ (never committed), as the
# Dockerfile builds them; before this runs, static files are served from static/ as they are.
# Rebuilt only when a static file or the installed packages changed (it takes a minute or two).
static: staticfiles/staticfiles.json

staticfiles/staticfiles.json: $(VENV)/.installed $(shell find static -type f)
	$(PY) manage.py collectstatic --noinput --verbosity 0

# For developers (needs GNU gettext): refresh locale/*/LC_MESSAGES/django.po from the sources.
makemessages: venv
	$(PY) manage.py makemessages --no-obsolete --add-location=file --ignore '.venv/*' --ignore 'bench/*' \
	  --ignore 'tests/*' -l km -l th -l vi -l lo -l my -l zh_Hans

run: venv messages static
	$(PY) manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) scripts/demo-logins.sh
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

check: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy .

lint: check

test: system venv services messages static check
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

bench: venv services
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var/exports .pytest_cache staticfiles
