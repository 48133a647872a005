"""The web app's settings: defaults, then the ``[web]`` table of ``ISOBPMN_CONFIG``, then the
environment, then what ``create_app`` is given (docs/web.md lists every key)."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "DEFAULTS", "load_config"]


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it and the file it came from."""


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "LANGUAGE": "vi",
    "LANGUAGES": ("vi", "en"),
    "FORM_SET": "tt03-2025",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "isobpmn_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=10),
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_LIMIT": "10 per minute;50 per hour",
    "LOOKUP_LIMIT": "20 per minute;200 per hour",
    "PUBLIC_BASE_URL": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}

#: Environment variables read (``ISOBPMN_`` + key), with how to read them.
_ENV = {
    "DATABASE_URL": str, "SECRET_KEY": str, "LANGUAGE": str, "FORM_SET": str,
    "SESSION_COOKIE_SECURE": "bool", "RATELIMIT_STORAGE_URI": str, "LOGIN_LIMIT": str,
    "LOOKUP_LIMIT": str, "PUBLIC_BASE_URL": str,
}


def _bool(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={text!r}: write true or false")


def _from_file(path: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"ISOBPMN_CONFIG={path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    web = data.get("web", {})
    if not isinstance(web, dict):
        raise ConfigError(f"{path}: [web] must be a table")
    unknown = sorted(k for k in web if k.upper() not in DEFAULTS)
    if unknown:
        raise ConfigError(f"{path}: unknown [web] setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(k.lower() for k in DEFAULTS))}")
    return {k.upper(): v for k, v in web.items()}


def load_config(given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    path = os.environ.get("ISOBPMN_CONFIG", "").strip()
    if path:
        config.update(_from_file(path))
    for key, kind in _ENV.items():
        raw = os.environ.get(f"ISOBPMN_{key}")
        if raw is None or raw == "":
            continue
        config[key] = _bool(raw, f"ISOBPMN_{key}") if kind == "bool" else raw
    config.update(given or {})
    if not config.get("SECRET_KEY"):
        if not (config.get("TESTING") or config.get("DEBUG") or config.get("DEV_SECRET")):
            raise ConfigError("no secret key: set ISOBPMN_SECRET_KEY (e.g. the output of "
                              "`python -c 'import secrets; print(secrets.token_hex(32))'`) "
                              "or secret_key in the [web] table of ISOBPMN_CONFIG")
        config["SECRET_KEY"] = secrets.token_hex(32)
    if config["LANGUAGE"] not in config["LANGUAGES"]:
        raise ConfigError(f"language {config['LANGUAGE']!r} is not one of "
                          f"{', '.join(config['LANGUAGES'])}")
    return config
