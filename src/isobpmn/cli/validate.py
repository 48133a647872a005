"""``isobpmn validate``: check procedure diagrams for CI, pre-commit and consultants.

Two passes over the files: read them all (so rules that look across the library, such as unique
document codes and call activities, see every file), then lint each with the configuration found
for it. Reading, configuration and rules live in :mod:`isobpmn.lint`; this module only turns
arguments into files, and findings into a report and an exit status.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from isobpmn.cli.files import PathsError, expand_paths
from isobpmn.cli.formats import FORMATS, Options, render
from isobpmn.cli.output import emit_json, fail
from isobpmn.cli.validate_run import WorkerError, check_files, plan_jobs
from isobpmn.lint import ConfigError, ConfigFinder, LintConfig, all_rules
from isobpmn.lint.config import PRESETS
from isobpmn.lint.rule import DOCS_URL_ENV
from isobpmn.lint.runner import READABLE

#: Above this many files, a progress bar is shown on stderr when it is a terminal.
PROGRESS_THRESHOLD = 20


@click.command("validate")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True,
              help="Report format: text for people, json for scripts, junit for CI test "
                   "reports, sarif for code scanning.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE (its folder is created); the summary line still "
                   "goes to stderr.")
@click.option("-c", "--config", "config_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Use this config (.isobpmnrc or pyproject.toml) for every file instead of "
                   "searching upward from each file.")
@click.option("--preset", type=click.Choice(PRESETS),
              help="Use this preset instead of the config's `extends` (rules and overrides "
                   "still apply).")
@click.option("--max-warnings", type=click.IntRange(min=0), metavar="N",
              help="Exit with status 1 when there are more than N warnings.")
@click.option("--show-suppressed", is_flag=True,
              help="List suppressed findings in the text report too (json, junit and sarif "
                   "always include them).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              metavar="N", help="Worker processes for large libraries; 0: one per CPU (up to "
                                "8, and only with at least 20 files each); 1: no workers.")
@click.option("--explain", metavar="RULE", help="Print the documentation of RULE and exit.")
@click.option("--list-rules", is_flag=True,
              help="List the rules (id, category, default severity, presets, summary) and exit.")
def validate(paths: tuple[str, ...], output_format: str, output: Path | None,
             config_file: Path | None, preset: str | None, max_warnings: int | None,
             show_suppressed: bool, jobs: int, explain: str | None, list_rules: bool) -> None:
    """Check BPMN procedure diagrams: BPMN correctness, executability, ISO documentation.

    PATH is a file, a folder (its *.bpmn files, recursively; hidden folders and node_modules
    skipped) or a glob
    such as 'bpmn/**/*.bpmn' (quoted; ** spans folders); default: the current folder. Each file
    is checked with the configuration found by searching upward from it: .isobpmnrc, or
    [tool.isobpmn.validate] in pyproject.toml (docs/validate.md). Unreadable or hostile files
    are reported as findings and the run goes on with the others.

    Exit status: 0 when there is no error (and no more warnings than --max-warnings), 1 when
    there are errors, 2 on a usage or configuration error.
    """
    if explain is not None:
        _explain(explain)
        return
    if list_rules:
        _list_rules(output_format)
        return
    try:
        files = expand_paths(paths or ["."])
        finder = ConfigFinder(config_file, preset)
        base = Path.cwd()
        with _progress(len(files)) as step:
            report, configs = check_files(files, finder, base, step, plan_jobs(jobs, len(files)))
        docs_url = _docs_url(configs)
    except (PathsError, ConfigError, WorkerError) as exc:
        fail(str(exc), 2)
    options = Options(show_suppressed=show_suppressed, color=output is None, docs_url=docs_url,
                      base=base)
    text = render(output_format, report, options)
    if output is not None:
        _write(output, text)
    else:
        click.echo(text, nl=False)
    if output is not None or output_format != "text":
        click.echo(report.summary(), err=True)
    counts = report.counts()
    if counts.errors:
        sys.exit(1)
    if max_warnings is not None and counts.warnings > max_warnings:
        fail(f"{counts.warnings} warnings, more than --max-warnings {max_warnings}", 1)


class _progress:
    """A progress bar over both passes on stderr, only for a terminal and a large library;
    otherwise a no-op, so logs and pipes stay clean."""

    def __init__(self, count: int):
        self.bar = None
        if count > PROGRESS_THRESHOLD and sys.stderr.isatty():
            self.bar = click.progressbar(length=2 * count, label="Validating", file=sys.stderr)

    def __enter__(self) -> Callable[[], None]:
        if self.bar is None:
            return lambda: None
        bar = self.bar.__enter__()
        return lambda: bar.update(1)

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


def _docs_url(configs: Sequence[LintConfig]) -> str:
    """The rule-page template of the run: ``$ISOBPMN_DOCS_URL``, else the first ``docs_url``
    among the files' configs, else ``""`` (the built-in relative default)."""
    from_env = os.environ.get(DOCS_URL_ENV, "")
    if from_env:
        try:
            if "{id}" not in from_env:
                raise ValueError("it has no {id}")
            from_env.format(id="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"${DOCS_URL_ENV} {from_env!r} must be a URL template with "
                              f"{{id}} and no other braces: {exc}") from None
        return from_env
    return next((c.docs_url for c in configs if c.docs_url), "")


def _write(output: Path, text: str) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write the report: {exc.strerror or exc}", 2)


def _explain(rule_id: str) -> None:
    from isobpmn.lint.docs import explain

    page = explain(rule_id)
    if page is None:
        from isobpmn.lint.config import closest

        near = closest(rule_id, [*all_rules(), READABLE])
        hint = f" (did you mean {near!r}?)" if near else ""
        fail(f"unknown rule {rule_id!r}{hint}; `isobpmn validate --list-rules` lists them", 2)
    click.echo(page, nl=False)


def _list_rules(output_format: str) -> None:
    from isobpmn.lint.docs import presets_of

    rules = list(all_rules().values())
    if output_format == "json":
        emit_json([{"id": r.id, "category": r.category, "severity": r.severity.word,
                    "presets": presets_of(r), "summary": r.summary,
                    "options": dict(r.options)} for r in rules])
        return
    rows = [("rule", "category", "severity", "presets", "summary")]
    rows += [(r.id, r.category, r.severity.word, ",".join(presets_of(r)), r.summary) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
