"""The production entry point: ``gunicorn 'isobpmn.web.wsgi:app'`` (settings from the
environment and ``ISOBPMN_CONFIG``; ``ISOBPMN_SECRET_KEY`` is required)."""

from isobpmn.web import create_app

app = create_app()
