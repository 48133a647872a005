"""``isobpmn document``: the ISO procedure document of a diagram, as HTML, PDF or Word."""

from __future__ import annotations

from pathlib import Path

import click

from isobpmn.cli.output import fail

FORMATS = ("html", "pdf", "docx")


@click.command("document")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "doc_format", type=click.Choice(FORMATS), default="pdf",
              show_default=True, help="Format of the document.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-' for standard output); default: the code and revision "
                   "in the current directory, e.g. QT-DKKD-01-lan-02.pdf.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def document(file: Path, doc_format: str, output: Path | None, force: bool) -> None:
    """Generate the ISO procedure document of FILE (HTML, PDF or DOCX).

    Title block (agency, code, revision, issue date, pages), sign-off grid, revision table,
    sections 1 to 7 with the step table of 5.7 and the diagram, all read from the diagram's
    iso extension (docs/procedure-document.md). Refuses to overwrite a file without --force.
    """
    from isobpmn.forms import FormError
    from isobpmn.forms.procedure_export import read_procedure_document, render_procedure_document
    from isobpmn.model import ModelError

    try:
        doc = read_procedure_document(file)
        if output is None:
            output = Path(f"{doc.file_stem}.{doc_format}")
        if str(output) != "-" and output.exists() and not force:
            fail(f"{output} exists; add --force to overwrite it")
        exported = render_procedure_document(doc, doc_format)
    except (ModelError, FormError) as exc:
        fail(str(exc))
    if str(output) == "-":
        click.echo(exported.content, nl=False)  # bytes go to the binary stream
        return
    try:
        output.write_bytes(exported.content)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {output} ({doc_format}, {_size(len(exported.content))})")


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"
