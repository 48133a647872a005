"""The ISO procedure document as HTML (A4 print style) and as PDF.

The same pieces as the dossier forms (:mod:`.render`): the package's Jinja2 environment
(autoescape on), its A4 print style (``print.css``) with the document's own rules
(``procedure.css``) inlined, the ``document.html`` page around the body, and
:func:`~.render.render_pdf`, whose URL fetcher refuses everything but ``data:`` URIs. The
diagram is inline SVG, so neither the page nor the PDF fetches anything.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from markupsafe import Markup

from .procedure_doc import COLUMNS, LABELS, NONE, SECTIONS, ProcedureDocument
from .render import _environment, print_css, render_pdf

__all__ = ["procedure_body", "procedure_css", "procedure_html", "procedure_pdf"]


@cache
def procedure_css() -> str:
    """The print style of the procedure document: ``print.css`` and ``procedure.css``."""
    own = resources.files("isobpmn.forms").joinpath("templates", "procedure.css").read_text(
        encoding="utf-8")
    return f"{print_css()}\n{own}"


def procedure_body(doc: ProcedureDocument) -> Markup:
    """The document alone (``<article class="iso-form iso-procedure">``), for a page that
    embeds it beside its own navigation with :func:`procedure_css`."""
    template = _environment().get_template("procedure.html")
    return Markup(template.render(doc=doc, sections=SECTIONS, columns=COLUMNS, labels=LABELS,
                                  dash=NONE, diagram=Markup(doc.diagram_svg)))


def procedure_html(doc: ProcedureDocument) -> str:
    """A complete, self-contained HTML document: style inlined, diagram as inline SVG."""
    title = " ".join(part for part in (doc.code, doc.title) if part)
    return _environment().get_template("document.html").render(
        title=title, css=Markup(procedure_css()), body=procedure_body(doc))


def procedure_pdf(doc: ProcedureDocument) -> bytes:
    """The document as PDF (WeasyPrint, no network; about half a second)."""
    return render_pdf(procedure_html(doc))
