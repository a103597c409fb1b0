# Sent Away: `make book` builds the book, `make test` runs the tests. Both set themselves up.
# The variables a user may set are PYTHON, VERSION, COMMIT and SKIP_TESTS; each reaches a shell only as one quoted word
# ($(call q,...)), so `make release VERSION='0.3.0;touch x'` runs no touch. The rest cannot be set from outside.
PYTHON ?= python3
override VENV := .venv
override PY := $(VENV)/bin/python
override STAMP := $(VENV)/.installed
override TEST_STAMP := $(VENV)/.installed-test
# Python 3.11 or 3.12 only; a .venv made by another Python is replaced, never reused.
override SUPPORTED := 3.11 3.12
override comma := ,
# A value as one word of a shell command, whatever it holds (each ' written as '\'').
q = '$(subst ','\'',$(1))'
version = $(shell $(call q,$(1)) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
override PYTHON_VERSION := $(call version,$(PYTHON))
override VENV_VERSION := $(if $(wildcard $(PY)),$(call version,$(PY)))

.PHONY: book test data dist release site bench vendor clean check-python FORCE

check-python:
	$(if $(filter $(SUPPORTED),$(PYTHON_VERSION)),@:,@printf '%s\n' $(call q,setup: $(PYTHON) is $(if $(PYTHON_VERSION),Python $(PYTHON_VERSION),not a working Python); Sent Away needs Python 3.11 or 3.12 (e.g. make PYTHON=python3.12)) >&2; exit 1)

# A stamp holds the sha256 of the requirements file it installed: a changed file re-installs whatever the file times
# say (a checkout or a copy can leave an edited file older than the stamp), an unchanged one never does.
sha256 = $(firstword $(shell sha256sum $(1) 2>/dev/null))
stamped = $(strip $(shell cat $(1) 2>/dev/null))
changed = $(if $(filter-out $(call sha256,$(1)),$(call stamped,$(2))),FORCE,$(if $(call stamped,$(2)),,FORCE))

# A venv whose Python differs from $(PYTHON) (or is missing) is always remade.
$(STAMP): $(call changed,requirements.txt,$(STAMP)) $(if $(filter-out $(PYTHON_VERSION),$(VENV_VERSION)),FORCE) | check-python
	$(if $(and $(VENV_VERSION),$(filter-out $(PYTHON_VERSION),$(VENV_VERSION))),@printf '%s\n' $(call q,setup: $(VENV) was made by Python $(VENV_VERSION)$(comma) not $(PYTHON_VERSION) ($(PYTHON)): making a new one) && rm -rf $(VENV))
	@echo "setup: installing the pinned packages of requirements.txt into $(VENV)"
	$(call q,$(PYTHON)) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@sha256sum requirements.txt | cut -c1-64 > $@

$(TEST_STAMP): $(STAMP) $(call changed,requirements-test.txt,$(TEST_STAMP))
	$(PY) -m pip install --quiet -r requirements-test.txt
	@sha256sum requirements-test.txt | cut -c1-64 > $@

# Execute the chapter notebooks (only those whose inputs changed) and build _build/html.
book: $(STAMP)
	$(PY) -m sentaway.publish.build

# Re-extract data/ from the raw official files (../shared/raw, or $$SENTAWAY_RAW).
data: $(STAMP)
	$(PY) -m sentaway.extract

# The tests read the built site too, so the book is built (or found up to date) first. They run on every core
# (PYTEST_XDIST_AUTO_NUM_WORKERS=N sets another number), each module on one worker, the slowest modules first
# (tests/conftest.py).
test: $(TEST_STAMP) book
	$(PY) -m pytest -n logical --dist loadfile --no-loadscope-reorder

# The citable archive of this version: dist/sent-away-<version>.zip and its sha256.
dist: book
	$(PY) -m sentaway.publish.dist

# Publish a version: make release VERSION=x.y.z (see sentaway/publish/release.py). For a version already in releases/,
# rebuilds its missing archive from the recorded commit; SKIP_TESTS=1 skips that commit's tests (only there).
release: $(STAMP)
	$(PY) -m sentaway.publish.release $(call q,$(VERSION)) $(if $(COMMIT),--commit $(call q,$(COMMIT))) $(if $(SKIP_TESTS),--skip-tests)

# Every release in one offline site, _build/site/: the latest at the root, each under v<version>/.
site: $(STAMP)
	$(PY) -m sentaway.publish.site

# Speed, memory and readability figures (a script that prints, not a test); deletes and rebuilds _build and
# book/executed. Readability is measured with textstat, a test package.
bench: $(TEST_STAMP)
	$(PY) scripts/bench.py

# Refresh the vendored chart libraries from the npm registry (maintainers only).
vendor:
	scripts/vendor-js.sh

clean:
	rm -rf _build book/executed dist
