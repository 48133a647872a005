"""``isobpmn tasks list|claim|complete``: an official's inbox from the command line."""

from __future__ import annotations

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json
from isobpmn.cli.servicing import DATABASE_OPTION, open_services, plain, user_option, when
from isobpmn.cli.table import render


@click.group()
def tasks() -> None:
    """Tasks (steps waiting for an official): list an inbox, claim one, complete one."""


@tasks.command("list")
@user_option(help_text="Whose inbox.")
@click.option("--mine", "scope", flag_value="mine", help="Only tasks the user has claimed.")
@click.option("--unclaimed", "scope", flag_value="unclaimed",
              help="Only tasks nobody has claimed, in the user's roles.")
@click.option("--all", "scope", flag_value="all", default=True,
              help="Every open task in the user's roles (the default).")
@click.option("--case", "case_code", metavar="CODE", help="Only this dossier's tasks.")
@click.option("--sla", type=click.Choice(["on_track", "due_soon", "overdue"]),
              help="Only tasks in this SLA state.")
@DATABASE_OPTION
@FORMAT_OPTION
def list_command(user: str, scope: str, case_code: str | None, sla: str | None,
                 database: str | None, output_format: str) -> None:
    """List open tasks of an official, most urgent first."""
    with open_services(database) as services:
        views = services.list_tasks(user, scope, case_code=case_code, sla_state=sla)
    if output_format == "json":
        emit_json(plain(views))
        return
    if not views:
        click.echo("no open tasks")
        return
    click.echo(render(["ID", "Hồ sơ", "Bước", "Vai trò", "Hạn", "SLA", "Người giữ"],
                      [(str(t.id), t.case_code, t.name,
                        (t.role_code or "") + (f" ({t.unit_code})" if t.unit_code else ""),
                        when(t.due_at), t.sla_state, t.claimed_by or "")
                       for t in views], min_widths=[3, 21, 16, 10, 16, 8, 8],
                      max_widths=[None, None, 30, 18, None, None, None]))


@tasks.command("claim")
@click.argument("task_id", type=int)
@user_option()
@DATABASE_OPTION
@FORMAT_OPTION
def claim_command(task_id: int, user: str, database: str | None, output_format: str) -> None:
    """Claim a task: it leaves the shared inbox and waits in the user's own."""
    with open_services(database) as services:
        view = services.claim(task_id, user)
    if output_format == "json":
        emit_json(plain(view))
        return
    click.echo(f"task {view.id} {view.name!r} of {view.case_code} claimed by {view.claimed_by}; "
               f"due {when(view.due_at)}")


def _field(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{text!r}: write name=value", param_hint="--field")
    return name.strip(), value


@tasks.command("complete")
@click.argument("task_id", type=int)
@user_option()
@click.option("--field", "fields", multiple=True, metavar="NAME=VALUE",
              help="A field of the step (repeatable); dates dd/mm/yyyy, yes/no as true/false.")
@click.option("--expected-version", type=int, metavar="N",
              help="Refuse if the dossier's state is no longer at this version.")
@DATABASE_OPTION
@FORMAT_OPTION
def complete_command(task_id: int, user: str, fields: tuple[str, ...],
                     expected_version: int | None, database: str | None,
                     output_format: str) -> None:
    """Complete a task with the values of its step's fields; the dossier moves on."""
    data = dict(_field(text) for text in fields)
    with open_services(database) as services:
        done = services.complete_task(task_id, user, data, expected_version=expected_version)
    if output_format == "json":
        emit_json(plain(done))
        return
    lines = [f"task {done.task.id} {done.task.name!r} completed by {done.task.completed_by} "
             f"({done.task.outcome or 'no due time'}); dossier {done.case_code} is "
             f"{done.case_status}" + (f", {done.case_outcome}" if done.case_outcome else "")]
    lines += [f"now ready: {t.id} {t.name!r} ({t.role_code}"
              + (f", {t.unit_code}" if t.unit_code else "") + f"), due {when(t.due_at)}"
              for t in done.ready]
    click.echo("\n".join(lines))
