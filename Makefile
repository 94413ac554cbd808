# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-dev browser lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the 2022 demo cohort, and start the web server, a Celery worker and Beat.
run: export DEBUG ?= true
# Links in the mails and calendar files lead to this server.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py load_demo --url $(SITE_URL)/
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile.dev --port $(PORT)

## browser: Playwright drives the system Chromium when there is one, or installs its own.
browser: install-dev
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1; then \
		echo "Browser tests use $${CHROMIUM_PATH:-$$(command -v chromium)}"; \
	else \
		$(BIN)/playwright install chromium; \
	fi

## test: install and run the whole suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev browser
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy

## messages: collect new strings into the Finnish and Swedish catalogues, and compile them.
messages: install-dev
	DEBUG=true $(BIN)/python manage.py makemessages -l fi -l sv --add-location=file \
		--ignore=.venv --ignore=var --ignore=conftest.py --ignore='*/tests/*'
	for po in locale/*/LC_MESSAGES/django.po; do msgattrib --no-obsolete --output-file=$$po $$po; done
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
