"""``isobpmn procedures import|export``: moving procedure diagrams between files and the
database.

Import brings a folder of diagrams drawn elsewhere (Camunda Modeler, another isobpmn) in as
drafts of the lifecycle — or, with ``--publish``, straight into force, for bootstrapping a
library. Each file is handled on its own: a broken one is reported and the others go on.
Export writes a procedure's diagram back to a file, as stored.
"""

from __future__ import annotations

from pathlib import Path

import click

from isobpmn.cli.files import display_path, find_bpmn_files
from isobpmn.cli.output import FORMAT_OPTION, emit_json, fail
from isobpmn.cli.servicing import DATABASE_OPTION, open_services, user_option


@click.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--agency", metavar="CODE",
              help="The agency the procedures are for (default: province-wide).")
@click.option("--publish", is_flag=True,
              help="Publish each file as it is (its own revision and document control) "
                   "instead of creating drafts: for bootstrapping a library.")
@user_option(required=False, help_text="Who imports: the author of the drafts (required "
                                       "without --publish); with --publish, an administrator "
                                       "or a leader of the agency (default: the operator).")
@DATABASE_OPTION
@FORMAT_OPTION
def import_command(directory: Path, agency: str | None, publish: bool, user: str | None,
                   database: str | None, output_format: str) -> None:
    """Import every .bpmn file under DIRECTORY, one report line per file.

    Without --publish each file becomes a draft (the next revision of its procedure, named by
    its iso:document code, or a new procedure); a file that cannot be read, or a procedure
    that already has a version on its way, is reported and the others go on. The exit status
    is 1 when any file failed.
    """
    from isobpmn.services import ServiceError

    if not publish and user is None:
        fail("--user is required to import drafts (the user becomes their author); use "
             "--publish to publish the files as they are")
    files = find_bpmn_files(directory)
    if not files:
        fail(f"no .bpmn files under {directory}")
    reports = []
    with open_services(database) as services:
        for path in files:
            name = display_path(path, directory)
            try:
                data = path.read_bytes()
                if publish:
                    done = services.publish_procedure(data, agency, user, name=name)
                    report = {"file": name, "ok": True, "code": done.code,
                              "revision": done.revision, "status": "published",
                              "version": done.version_id, "new": done.new}
                else:
                    view = services.create_draft(data, user, agency=agency, name=name)
                    report = {"file": name, "ok": True, "code": view.code,
                              "revision": view.revision, "status": view.status,
                              "version": view.id, "new": True,
                              "errors": sum(f.severity == "error" for f in view.findings),
                              "warnings": sum(f.severity == "warn" for f in view.findings)}
            except ServiceError as exc:
                report = {"file": name, "ok": False, "error": exc.message}
            except OSError as exc:
                report = {"file": name, "ok": False, "error": f"cannot read: {exc.strerror}"}
            reports.append(report)
            if output_format == "text":
                click.echo(_line(report))
    failed = sum(not r["ok"] for r in reports)
    if output_format == "json":
        emit_json(reports)
    else:
        click.echo(f"{len(reports) - failed} imported, {failed} failed", err=True)
    if failed:
        raise SystemExit(1)


def _line(report: dict) -> str:
    if not report["ok"]:
        return f"error    {report['file']}: {report['error']}"
    what = f"{report['code']} revision {report['revision']:02d} {report['status']}"
    if report["status"] == "published" and not report["new"]:
        what += " already (nothing changed)"
    else:
        what += f" (version {report['version']})"
    if report.get("errors") or report.get("warnings"):
        what += (f", {report['errors']} error(s) and {report['warnings']} warning(s) to fix "
                 "before submitting")
    return f"ok       {report['file']}: {what}"


@click.command("export")
@click.argument("code")
@click.option("--revision", type=click.IntRange(min=1), metavar="N",
              help="The revision to export, whatever its status (default: the published one "
                   "in force).")
@click.option("--agency", metavar="CODE",
              help="Whose procedure, when several agencies have one with this code.")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (its folder is created).")
@user_option(required=False, help_text="Who exports (they must see the procedure); default: "
                                       "the operator.")
@DATABASE_OPTION
def export_command(code: str, revision: int | None, agency: str | None, output: Path,
                   user: str | None, database: str | None) -> None:
    """Write the diagram of procedure CODE to a .bpmn file, as stored."""
    with open_services(database) as services:
        exported = services.export_version(code, agency=agency, revision=revision, actor=user)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(exported.xml)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    where = f" of {exported.agency_code}" if exported.agency_code else " (province-wide)"
    click.echo(f"wrote {exported.code}{where} revision {exported.revision:02d} "
               f"({exported.status}) to {output}")
