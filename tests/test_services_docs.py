"""docs/services.md and docs/audit.md keep up with the code: every event kind, setting, error
and service is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from isobpmn import services
from isobpmn.services import EventKind, ServiceSettings, Services

DOCS = Path(__file__).resolve().parents[1] / "docs"
TEXT = (DOCS / "services.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", [k.value for k in EventKind])
def test_every_event_kind_is_documented(kind):
    assert f"`{kind}`" in TEXT, f"event kind {kind} is not in docs/services.md"


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(ServiceSettings)])
def test_every_setting_is_documented(name):
    assert f"| `{name}` |" in TEXT, f"setting {name} is not in the settings table"


@pytest.mark.parametrize("name", [n for n in services.__all__
                                  if isinstance(getattr(services, n), type)
                                  and issubclass(getattr(services, n), services.ServiceError)])
def test_every_error_is_documented(name):
    assert f"`{name}`" in TEXT, f"error {name} is not in the errors table"


@pytest.mark.parametrize("name", [n for n, v in vars(Services).items()
                                  if callable(v) and not n.startswith("_")])
def test_every_service_is_documented(name):
    assert f"`{name}" in TEXT, f"service {name} is not in docs/services.md"


def test_audit_doc_names_every_break():
    from isobpmn.audit.verify import ChainBreak

    text = (DOCS / "audit.md").read_text(encoding="utf-8")
    for problem in ("hash", "link", "gap"):
        assert f"| `{problem}` |" in text
    assert ChainBreak.__doc__ and "`isobpmn audit verify`" in text
