"""The ``isobpmn`` command line: a click group whose subcommands load on first use.

Nothing heavy is imported at start: ``isobpmn --version`` loads only click, and each command
imports what it needs inside its own module, so ``isobpmn validate`` never pays for the web
stack or the engine.
"""

from __future__ import annotations

import importlib
import sys

import click

from isobpmn import __version__

#: One line of help per command for ``isobpmn --help``, so listing the commands imports none of
#: them (a test checks each line against the command's own help).
SUMMARIES = {
    "calendar": "Vietnamese working time: deadlines, working days, holidays.",
    "db": "The database: create or migrate its schema, show its revision.",
    "procedures": "Read the procedure library: list, show as a step table, publish, import, "
                  "export.",
    "validate": "Check BPMN procedure diagrams: BPMN correctness, executability, ISO documentation.",
    "cases": "Dossiers (hồ sơ): receive one at the desk, show one.",
    "tasks": "Tasks (steps waiting for an official): list an inbox, claim one, complete one.",
    "worker": "Fire due timers, each exactly once, and record SLA changes.",
    "audit": "The audit log: check that no event was edited, removed or inserted.",
    "serve": "Run the web app on a development server (production: gunicorn "
             "isobpmn.web.wsgi:app).",
    "demo": "The demo: a province with officials and dossiers at every stage.",
    "export": "Export dossiers for process mining: an XES event log or a CSV table.",
    "document": "Generate the ISO procedure document of FILE (HTML, PDF or DOCX).",
    "report": "Statutory reports (Biểu II.06a/VPCP/KSTT, XLSX or CSV) and their daily sums.",
}

#: command name -> "module:attribute" of a click command, loaded lazily.
COMMANDS = {
    "procedures": "isobpmn.cli.procedures:procedures",
    "calendar": "isobpmn.cli.calendar_cmd:calendar",
    "db": "isobpmn.cli.db:db",
    "validate": "isobpmn.cli.validate:validate",
    "cases": "isobpmn.cli.cases:cases",
    "tasks": "isobpmn.cli.tasks:tasks",
    "worker": "isobpmn.cli.worker:worker",
    "audit": "isobpmn.cli.audit:audit",
    "serve": "isobpmn.cli.serve:serve",
    "demo": "isobpmn.cli.demo:demo",
    "export": "isobpmn.cli.export:export",
    "document": "isobpmn.cli.document:document",
    "report": "isobpmn.cli.report:report",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are run or listed in help."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`SUMMARIES`; a command without one is imported."""
        rows = []
        for name in self.list_commands(ctx):
            summary = SUMMARIES.get(name)
            if summary is None:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                summary = command.get_short_help_str(formatter.width)
            rows.append((name, summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="isobpmn",
                      message="%(prog)s %(version)s")
def cli() -> None:
    """isobpmn: electronic ISO 9001 procedures on BPMN for Vietnamese public administration."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="isobpmn")
