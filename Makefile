# isobpmn: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test install editor docs bench bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

NODE_STAMP := editor/node_modules/.package-lock.json
EDITOR_BUNDLE := src/isobpmn/web/static/editor/viewer.js
DEMO_DATABASE := sqlite:///instance/isobpmn.sqlite3

$(NODE_STAMP): editor/package.json editor/package-lock.json
	cd editor && npm ci --no-audit --no-fund --loglevel=error

$(EDITOR_BUNDLE): $(NODE_STAMP) $(shell find editor/src -type f) editor/scripts/build.mjs
	cd editor && npm run --silent build

install: $(STAMP)

## editor: npm ci and npm run build in editor/: the bpmn-js diagram viewer into
## src/isobpmn/web/static/editor/ (skipped with a message when npm is missing)
editor:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(EDITOR_BUNDLE); \
	else echo "npm not found: the editor bundle is not built (dossier pages show no diagram; its tests skip)"; fi

## demo: install, build the viewer, migrate and seed instance/isobpmn.sqlite3 (once), then
## serve the app on http://127.0.0.1:5000 (the logins are printed before it starts)
demo: install editor
	@mkdir -p instance
	$(BIN)/isobpmn db upgrade --url $(DEMO_DATABASE)
	$(BIN)/isobpmn demo seed --database $(DEMO_DATABASE)
	$(BIN)/isobpmn serve --database $(DEMO_DATABASE)

## test: install with dev extras and run the whole suite (import contracts included)
test: install editor
	$(BIN)/lint-imports
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

## docs: regenerate the command reference from the commands' own help, and the configuration
## reference from the settings code
docs: install
	$(BIN)/python -m isobpmn.cli.reference > docs/cli.md
	$(BIN)/python -c 'from isobpmn.cli.worker import worker; from isobpmn.web.config import reference; print(reference(worker), end="")' > docs/configuration.md
	$(BIN)/python -c 'from pathlib import Path; from isobpmn.web.config import with_settings_index as index; p = Path("docs/web.md"); p.write_text(index(p.read_text(encoding="utf-8")), encoding="utf-8")'
	$(BIN)/python -c 'from pathlib import Path; from isobpmn.lint import all_rules; from isobpmn.lint.docs import rule_page; d = Path("docs/rules"); d.mkdir(exist_ok=True); [(d / f"{r.id}.md").write_text(rule_page(r), encoding="utf-8") for r in all_rules().values()]'
	$(BIN)/python -c 'from pathlib import Path; from isobpmn.cli.reference import with_presets_table as table; p = Path("docs/validate.md"); p.write_text(table(p.read_text(encoding="utf-8")), encoding="utf-8")'

## bench: start-up time, `isobpmn validate` against bpmnlint on 200 diagrams (needs npm), the
## modeler's live validation (validate_bpmn), and persisted task completions (PostgreSQL too
## when ISOBPMN_BENCH_DATABASE_URL is set)
bench: install
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/validate_vs_bpmnlint.py
	$(BIN)/python bench/validate_endpoint.py
	$(BIN)/python bench/services.py

## bench-scale: a province of a million dossiers on SQLite and (with ISOBPMN_BENCH_DATABASE_URL)
## PostgreSQL: inbox, dashboards, case page, lookup, Biểu II.06a, SLA sweep (about an hour)
bench-scale: install
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist src/*.egg-info editor/node_modules \
	       src/isobpmn/web/static/editor
