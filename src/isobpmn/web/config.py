"""The web app's settings: defaults, then the ``[web]`` table of ``ISOBPMN_CONFIG``, then the
environment, then what ``create_app`` is given.

Every key has a line in :data:`DESCRIPTIONS`; :func:`reference` writes docs/configuration.md
from them (``make docs``), so the reference cannot drift from the code.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from isobpmn.logsetup import FORMATS as LOG_FORMATS
from isobpmn.logsetup import LEVELS as LOG_LEVELS

__all__ = ["ConfigError", "DEFAULTS", "DESCRIPTIONS", "load_config", "reference",
           "with_settings_index"]


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
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "LOGIN_LIMIT": "10 per minute;50 per hour",
    "LOOKUP_LIMIT": "20 per minute;200 per hour",
    "PUBLIC_BASE_URL": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "PROXY_FIX": 0,
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    "LOG_REQUESTS": False,
}

#: What each key means, for docs/configuration.md (a test requires one per key).
DESCRIPTIONS: dict[str, str] = {
    "DATABASE_URL": "Where the data lives: `postgresql://USER:PASSWORD@HOST:PORT/DB` (read as "
                    "psycopg 3) or `sqlite:///PATH`. Unset: `isobpmn.sqlite3` in "
                    "`ISOBPMN_DATA_DIR` (`./instance`). See [store.md](store.md).",
    "SECRET_KEY": "Signs the session cookie and the CSRF tokens. Required: without one the app "
                  "refuses to start (`isobpmn serve` makes a random one for development). The "
                  "same value in every web process; changing it signs everyone out.",
    "LANGUAGE": "The interface language until a user switches (`vi` or `en`).",
    "LANGUAGES": "The languages offered by the switch in the header.",
    "FORM_SET": "Numbering of the standard forms: `tt03-2025` (Mẫu 01–07) or `tt01-2018` "
                "(Mẫu 01–06), see [forms.md](forms.md).",
    "SESSION_COOKIE_SECURE": "Send the session cookie over HTTPS only (`isobpmn serve` turns it "
                             "off for http://127.0.0.1).",
    "SESSION_COOKIE_HTTPONLY": "Scripts in the page cannot read the session cookie.",
    "SESSION_COOKIE_SAMESITE": "`Lax`: the session cookie is not sent on cross-site POSTs.",
    "SESSION_COOKIE_NAME": "The session cookie's name.",
    "PERMANENT_SESSION_LIFETIME": "How long a sign-in lasts: a working day, then sign in again "
                                  "(seconds in the file).",
    "WTF_CSRF_TIME_LIMIT": "Seconds a form's CSRF token stays valid; none: as long as the "
                           "session.",
    "RATELIMIT_STORAGE_URI": "Where the rate-limit counters live. `memory://` counts in each "
                             "process apart; with several web processes use a shared store: "
                             "`redis://HOST:6379/0` (needs the `redis` package) or "
                             "`memcached://HOST:11211` (needs `pymemcache`), see "
                             "[deploy.md](deploy.md#rate-limits).",
    "RATELIMIT_HEADERS_ENABLED": "`X-RateLimit-*` headers on the limited routes.",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": "While the shared store does not answer, count in "
                                            "each process's memory (and log a warning) rather "
                                            "than refuse the limited routes with 500: a Redis "
                                            "restart never stops officials signing in.",
    "LOGIN_LIMIT": "Sign-in attempts per client address (`;` between limits).",
    "LOOKUP_LIMIT": "Public lookups and ratings per client address.",
    "PUBLIC_BASE_URL": "Base of the lookup address printed as a QR code on receipts, e.g. "
                       "`https://dichvucong.example.gov.vn`; none: the request's own host.",
    "MAX_CONTENT_LENGTH": "Largest request body in bytes (16 MB); larger requests get 413. "
                          "Give the reverse proxy the same limit (nginx "
                          "`client_max_body_size 16m`).",
    "PROXY_FIX": "How many reverse proxies stand in front of the app and set "
                 "`X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host`. The app then "
                 "takes the client's address (rate limits, logs), the scheme and the host from "
                 "them. 0: the headers are ignored. Never more than the proxies really there, "
                 "or a client can forge its address.",
    "LOG_FORMAT": "`text` or `json` (one JSON object per line), on stderr, see "
                  "[deploy.md](deploy.md#logs).",
    "LOG_LEVEL": "The least severe level logged: `DEBUG`, `INFO`, `WARNING`, `ERROR` or "
                 "`CRITICAL`.",
    "LOG_REQUESTS": "One log line per request: method, path without the query string, status, "
                    "duration, the user signed in and the request id (also sent back as "
                    "`X-Request-Id`).",
}

#: Environment variables read (``ISOBPMN_`` + key), with how to read them.
_ENV = {
    "DATABASE_URL": str, "SECRET_KEY": str, "LANGUAGE": str, "FORM_SET": str,
    "SESSION_COOKIE_SECURE": "bool", "RATELIMIT_STORAGE_URI": str, "LOGIN_LIMIT": str,
    "LOOKUP_LIMIT": str, "PUBLIC_BASE_URL": str, "MAX_CONTENT_LENGTH": "int",
    "PROXY_FIX": "int", "LOG_FORMAT": str, "LOG_LEVEL": str, "LOG_REQUESTS": "bool",
}
#: The environment variable naming the TOML file.
CONFIG_ENV = "ISOBPMN_CONFIG"


def _bool(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={text!r}: write true or false")


def _int(text: str, name: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(f"{name}={text!r}: write a whole number") from None


_READ = {"bool": _bool, "int": _int}


def _from_file(path: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{CONFIG_ENV}={path}: cannot read it ({exc.strerror})") from None
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
    path = os.environ.get(CONFIG_ENV, "").strip()
    if path:
        config.update(_from_file(path))
    for key, kind in _ENV.items():
        raw = os.environ.get(f"ISOBPMN_{key}")
        if raw is None or raw == "":
            continue
        config[key] = _READ[kind](raw, f"ISOBPMN_{key}") if kind in _READ else raw
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
    _check_operations(config)
    return config


def _check_operations(config: dict[str, Any]) -> None:
    """The deployment settings (proxies, logs) have values the app can use."""
    proxies = config["PROXY_FIX"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise ConfigError(f"PROXY_FIX={proxies!r}: write the number of proxies in front of the "
                          "app (0 when there is none)")
    log_format = str(config["LOG_FORMAT"]).lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT={config['LOG_FORMAT']!r}: write "
                          f"{' or '.join(LOG_FORMATS)}")
    level = str(config["LOG_LEVEL"]).upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={config['LOG_LEVEL']!r}: write one of "
                          f"{', '.join(LOG_LEVELS)}")
    config["LOG_FORMAT"], config["LOG_LEVEL"] = log_format, level


# --- the reference (docs/configuration.md) ----------------------------------------------------

REFERENCE_HEADER = """# Configuration reference

Generated from the settings code (`src/isobpmn/web/config.py` and the options of
`isobpmn worker`) by `make docs`; a test checks that it is current. How to run the processes
together is in [deploy.md](deploy.md).

## The web app

Read in this order, later wins: the defaults below; the `[web]` table of the TOML file named by
`ISOBPMN_CONFIG` (keys in lower case: `secret_key = "…"`); the environment variables of the
table (a key without one is set in the file only); the mapping given to `create_app`. An
unknown key in the file is an error naming the known ones, and so is a wrong value: the app
does not start. In the environment a boolean is `true` or `false` (also `1`/`0`, `yes`/`no`,
`on`/`off`) and a number is written in digits.
"""

WORKER_HEADER = """## The worker

`isobpmn worker` reads no file: its options ([cli.md](cli.md#isobpmn-worker)) and these
environment variables. The database URL and the log settings are the web app's too (the keys
`DATABASE_URL`, `LOG_FORMAT` and `LOG_LEVEL` above), so one environment file serves both.
"""

SETTINGS_START = "<!-- settings:start (generated by `make docs`) -->"
SETTINGS_END = "<!-- settings:end -->"


def environment_variable(key: str) -> str | None:
    """The variable that sets ``key``, or ``None`` when only the file and the code do."""
    return f"ISOBPMN_{key}" if key in _ENV else None


def _shown(value: Any) -> str:
    if not isinstance(value, str | int | float | timedelta | tuple | list):
        return "none"  # None, or a command line's "no default"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"`{seconds}` ({seconds // 3600} h)" if seconds % 3600 == 0 else f"`{seconds}`"
    if isinstance(value, tuple | list):
        return ", ".join(f"`{item}`" for item in value)
    return f"`{value}`"


def _variable(key: str) -> str:
    name = environment_variable(key)
    return f"`{name}`" if name else "—"


def reference(worker: Any = None) -> str:
    """docs/configuration.md: every key of :data:`DEFAULTS` with its variable, default and
    meaning, the other variables, and ``worker``'s options that have one (a click command:
    ``isobpmn.cli.worker.worker``, given by the caller because the web app and the command
    line do not import each other)."""
    from isobpmn.store.db import DATA_DIR_ENV, DEFAULT_DATA_DIR, SQLITE_FILE

    lines = [REFERENCE_HEADER, "| key | environment variable | default | meaning |",
             "|---|---|---|---|"]
    lines += [f"| `{key}` | {_variable(key)} | {_shown(default)} | {DESCRIPTIONS[key]} |"
              for key, default in DEFAULTS.items()]
    lines += ["", "## Other environment variables", "",
              "| variable | read by | meaning |", "|---|---|---|",
              f"| `{CONFIG_ENV}` | the web app | the TOML file whose `[web]` table sets the keys "
              "above |",
              f"| `{DATA_DIR_ENV}` | every process | the directory of the SQLite file "
              f"(`{SQLITE_FILE}`) when no database URL is given; default `./{DEFAULT_DATA_DIR}` |"]
    if worker is not None:
        lines += ["", WORKER_HEADER, "| variable | option | default | meaning |",
                  "|---|---|---|---|"]
        for param in worker.params:
            for name in _envvars(param):
                option = max(param.opts, key=len)
                lines.append(f"| `{name}` | `{option}` | {_shown(param.default)} | "
                             f"{param.help} |")
        lines.append(f"| `{DATA_DIR_ENV}` | — | `./{DEFAULT_DATA_DIR}` | as above |")
    return "\n".join(lines) + "\n"


def _envvars(param: Any) -> list[str]:
    names = getattr(param, "envvar", None)
    if not names:
        return []
    return [names] if isinstance(names, str) else list(names)


def with_settings_index(text: str) -> str:
    """``text`` (docs/web.md) with the index of the keys between its markers: each key and its
    variable, pointing to docs/configuration.md for the rest."""
    before, rest = text.split(SETTINGS_START, 1)
    _, after = rest.split(SETTINGS_END, 1)
    rows = [f"| `{key}` | {_variable(key)} |" for key in DEFAULTS]
    table = "\n".join(["| key | environment variable |", "|---|---|", *rows])
    return f"{before}{SETTINGS_START}\n{table}\n{SETTINGS_END}{after}"
