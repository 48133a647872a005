"""The command reference (docs/cli.md), generated from the commands' own ``--help``.

``python -m isobpmn.cli.reference > docs/cli.md`` rewrites it; a test fails when the file and
the commands disagree, so the reference cannot go stale.
"""

from __future__ import annotations

import click

from isobpmn.cli import cli

HEADER = """# Command reference

Generated from `isobpmn … --help` by `python -m isobpmn.cli.reference > docs/cli.md`
(`make docs`); a test checks that it is current.

Conventions for every command: `--format json` gives machine-readable output; errors are printed
on one line as `error: file:line: what is wrong` with exit status 1; a usage error (bad option
or value) exits with 2. Dates are dd/mm/yyyy, times 24 h in Asia/Ho_Chi_Minh.
"""


def _walk(command: click.Command, path: list[str], ctx: click.Context | None):
    settings = {**cli.context_settings, "terminal_width": 100, "max_content_width": 100}
    ctx = click.Context(command, info_name=" ".join(path), parent=None, **settings)
    yield path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, [*path, name], ctx)


def generate() -> str:
    parts = [HEADER]
    for path, text in _walk(cli, ["isobpmn"], None):
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    click.echo(generate(), nl=False)
