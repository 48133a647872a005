"""Comparing two versions of a procedure, for the review page and the visual diff.

The logic is the model's (:func:`isobpmn.model.diff.diff_procedures`); this reads the two
versions the actor may see, tolerantly (a draft may still have problems), and says which they
are.
"""

from __future__ import annotations

from dataclasses import dataclass

from isobpmn.model import ModelError, Procedure as Diagram, read_document
from isobpmn.model.diff import Change, diff_procedures
from isobpmn.model.reader import main_process

from .access import find_user
from .context import ServiceContext
from .errors import ProcedureInvalid
from .version_views import load_version
from .versions import require_visible, version_label

__all__ = ["VersionDiff", "diff_versions"]


@dataclass(frozen=True)
class VersionDiff:
    """What changed from one version to another: ``changes`` in reading order (each with
    ``kind``, ``bpmn_id``, ``before``, ``after`` and a Vietnamese ``description``) and the
    element ids ``added`` (in the newer diagram), ``removed`` (in the older), ``changed``."""

    code: str
    from_version: int
    from_revision: int
    from_status: str
    to_version: int
    to_revision: int
    to_status: str
    changes: tuple[Change, ...]
    added: frozenset[str]
    removed: frozenset[str]
    changed: frozenset[str]


def diff_versions(ctx: ServiceContext, from_id: int, to_id: int, actor: str | None
                  ) -> VersionDiff:
    """The structural difference from version ``from_id`` to version ``to_id``."""
    with ctx.db.read() as session:
        user = find_user(session, actor) if actor is not None else None
        sides = []
        for version_id in (from_id, to_id):
            owner, version = load_version(session, version_id)
            require_visible(session, user, owner)
            sides.append((owner, version, _read(version.bpmn_xml, version_label(owner, version))))
    (_, old, before), (owner, new, after) = sides
    diff = diff_procedures(before, after)
    return VersionDiff(owner.code, old.id, old.revision, old.status, new.id, new.revision,
                       new.status, diff.changes, diff.added, diff.removed, diff.changed)


def _read(xml: str, label: str) -> Diagram:
    try:
        return main_process(read_document(xml.encode("utf-8"), name=label, strict=False))
    except ModelError as exc:
        raise ProcedureInvalid(str(exc)) from None
