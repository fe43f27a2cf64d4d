# Kommentar: `make run` serves the demo blog, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The address readers use; 0.0.0.0 only says "listen everywhere".
export BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test worker lint format messages compile-messages clean admin-password mail

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Kommentar needs Python 3.11 or newer; set PYTHON=python3.x"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A random secret key, written once and never committed.
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "DEBUG=true" >> $@
	@echo "Wrote .env with a new random SECRET_KEY (DEBUG on: for local use only)."

# The .mo files are committed; rebuild them only where gettext is installed.
compile-messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages --ignore=$(VENV) -v0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

# The catalogues also hold our wording of texts that are not in our sources
# (allauth's, with du instead of Sie, marked "#. allauth: …"), which
# makemessages would mark obsolete: the entries of the catalogue before are
# merged back after it, the new ones first.
messages: $(VENV)/.installed
	@for lang in de en; do cp locale/$$lang/LC_MESSAGES/django.po locale/$$lang/LC_MESSAGES/django.po.before; done
	SECRET_KEY=messages $(PY) manage.py makemessages -l de -l en --ignore=$(VENV) --ignore=tests \
		--ignore=static_collected --ignore=private
	@for lang in de en; do \
		po=locale/$$lang/LC_MESSAGES/django.po; \
		msgattrib --no-obsolete $$po -o $$po && \
		msgattrib --no-obsolete $$po.before -o $$po.before && \
		msgcat --use-first $$po $$po.before -o $$po && rm $$po.before || exit 1; \
	done
	SECRET_KEY=messages $(MAKE) compile-messages

# Helpers skip the system checks, so that their warnings (no Akismet key…) show
# once, from runserver; the admin's password comes last, once the blog answers.
run: $(VENV)/.installed .env compile-messages
	$(PY) manage.py migrate --noinput --skip-checks
	$(PY) manage.py load_demo --if-new --skip-checks
	@echo "Serving on $(BASE_URL)/ (admin at $(BASE_URL)/admin/; mails land in mail/, see make mail); Ctrl-C stops everything."
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	$(PY) manage.py db_worker --no-reload --skip-checks & \
	( while sleep 60; do $(PY) manage.py publish_scheduled -v0 --skip-checks; done ) & \
	$(PY) manage.py runserver $(HOST):$(PORT) & \
	$(PY) manage.py admin_password --if-missing --wait-for "http://$(HOST):$(PORT)/" --skip-checks; \
	wait

# A new random password for the superuser 'admin', printed once.
admin-password: $(VENV)/.installed .env
	$(PY) manage.py admin_password --skip-checks

# The mails `make run` sent (DEBUG writes them to mail/ instead of sending them).
mail:
	@ls -t mail/*.log 2>/dev/null | head -n 5 | xargs -r cat || echo "No mails yet."

worker: $(VENV)/.installed .env
	$(PY) manage.py db_worker

test: $(VENV)/.installed-dev .env
	$(PY) manage.py check
	@if command -v msgfmt >/dev/null; then \
		for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check -o /dev/null $$po || exit 1; done; \
	else echo "msgfmt not found: message files not checked"; fi
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) static_collected .pytest_cache .ruff_cache
