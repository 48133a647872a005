# isobpmn: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test install editor-deps docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

NODE_STAMP := editor/node_modules/.package-lock.json

$(NODE_STAMP): editor/package.json editor/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd editor && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: editor tests will be skipped"; fi

install: $(STAMP)

editor-deps: $(NODE_STAMP)

## demo: install, then list the procedure library and show each procedure's step table
demo: install
	$(BIN)/isobpmn procedures list bpmn
	@for f in bpmn/*.bpmn; do echo; echo "== $$f"; $(BIN)/isobpmn procedures show "$$f" || exit 1; done

## test: install with dev extras and run the whole suite (import contracts included)
test: install editor-deps
	$(BIN)/lint-imports
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

## docs: regenerate the command reference from the commands' own help
docs: install
	$(BIN)/python -m isobpmn.cli.reference > docs/cli.md
	$(BIN)/python -c 'from pathlib import Path; from isobpmn.lint import all_rules; from isobpmn.lint.docs import rule_page; d = Path("docs/rules"); d.mkdir(exist_ok=True); [(d / f"{r.id}.md").write_text(rule_page(r), encoding="utf-8") for r in all_rules().values()]'
	$(BIN)/python -c 'from pathlib import Path; from isobpmn.cli.reference import with_presets_table as table; p = Path("docs/validate.md"); p.write_text(table(p.read_text(encoding="utf-8")), encoding="utf-8")'

## bench: start-up time, `isobpmn validate` against bpmnlint on 200 diagrams (needs npm), and
## persisted task completions (PostgreSQL too when ISOBPMN_BENCH_DATABASE_URL is set)
bench: install
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/validate_vs_bpmnlint.py
	$(BIN)/python bench/services.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist src/*.egg-info editor/node_modules
