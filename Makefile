# cxstats: two commands on a fresh machine with Python 3.11 and the package registries.
#   make test   Debian's chromium and default-jre-headless when missing (as root; otherwise it prints
#               the apt-get command), create .venv from uv.lock, then ruff, pytest (+ doctests, the
#               PySpark tests need Java), nbval on the book, browser test (Chromium)
#   make book   create .venv from uv.lock, then build the HTML handbook (Jupyter Book 1, warnings = errors)
#   make bench  benchmarks, one `name: value` line per figure

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen --no-sync
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export UV_LINK_MODE := copy
export UV_COMPILE_BYTECODE := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: env system test lint unit nbval browser book bench notebooks clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

env: $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet

# Debian packages the tests run: command -> package. Installed when missing if we are root;
# otherwise one line with the exact command, and make stops. (Slim Debian images lack
# /usr/share/man/man1, where the JRE's install links its manual pages.)
SYSTEM := chromium:chromium java:default-jre-headless
system:
	@missing=""; for pair in $(SYSTEM); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make test needs the Debian package(s)$$missing; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "installing Debian package(s)$$missing"; \
	mkdir -p /usr/share/man/man1; \
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null

lint: env
	$(RUN) ruff check .

unit: env system
	$(RUN) pytest

nbval: env
	CXSTATS_PAGE_HAS_VEGA=1 $(RUN) pytest -p no:cacheprovider --nbval-lax --nbval-current-env book -o addopts="" -o testpaths=book

browser: book-html system
	$(RUN) pytest -o addopts="-p no:cacheprovider" tests/browser

test: system lint unit nbval browser

book-html: env
	$(RUN) python scripts/make_source_pages.py
	$(RUN) jupyter-book build . --builder html -W -n --keep-going --quiet
	@test -f _build/html/index.html

book: book-html
	@echo "$(CURDIR)/_build/html/index.html"

bench: env
	$(RUN) python benchmarks/run.py

# Re-execute the chapter notebooks in place so their stored outputs (compared by nbval) are current.
notebooks: env
	$(RUN) python scripts/run_notebooks.py

clean:
	rm -rf _build .pytest_cache .ruff_cache
