"""Vietnamese first, English available.

Templates and views write Vietnamese text inside ``_()``; ``translations/en/*.json`` (one
file per area, merged) map each such text to English (a test checks that every ``_()`` text
of the templates and views has an entry). The language comes from the session (``/ngon-ngu/en`` switches), else ``LANGUAGE``.
``%(name)s`` placeholders are filled after translating.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, request, session, url_for

from .context import public

__all__ = ["bp", "catalog", "gettext", "init_app", "language"]

TRANSLATIONS = Path(__file__).parent / "translations"

bp = Blueprint("i18n", __name__)


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((TRANSLATIONS / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def language() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["LANGUAGE"]


def gettext(text: str, **values: Any) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    lang = language()
    translated = text if lang == "vi" else catalog(lang).get(text, text)
    return translated % values if values else translated


@bp.get("/ngon-ngu/<lang>")
@public
def switch(lang: str):
    """Switch the interface language and go back where the user was."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["_"] = gettext
    app.context_processor(lambda: {"lang": language()})
