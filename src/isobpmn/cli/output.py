"""Shared pieces of the command line: output formats, errors, JSON encoding."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn

import click

FORMAT_OPTION = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Output format.",
)
LANG_OPTION = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
    help="Language of headings and labels.",
)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit: one line, never a traceback."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)
