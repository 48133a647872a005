"""The web app: one Flask application factory, one blueprint per area (docs/web.md).

Officials sign in and work through the services (:mod:`isobpmn.services`), the only thing this
package calls to change state. Pages are server-rendered Jinja2, Vietnamese first with an
English switch; every form carries a CSRF token; the public lookup needs no sign-in.

    from isobpmn.web import create_app
    app = create_app({"DATABASE_URL": "sqlite:////srv/isobpmn/isobpmn.sqlite3"})

Nothing imports ``isobpmn.web``; ``isobpmn serve`` and ``isobpmn.web.wsgi:app`` (gunicorn)
start it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import load_config

__all__ = ["create_app"]

#: Blueprint modules, each exposing ``bp`` (and optionally ``init_app(app)``).
BLUEPRINTS = ("home", "auth", "desk", "inbox", "cases", "documents", "procedures", "lookup", "admin",
              "api", "quality", "reports")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app for ``config`` (keys of docs/configuration.md; the environment and the
    ``ISOBPMN_CONFIG`` file fill in the rest)."""
    import importlib

    from . import context, errors, extensions, formatting, i18n, requestlog

    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_config(config))
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    requestlog.init_app(app)
    extensions.init_app(app)
    context.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
    return app
