"""Helpers for the procedure lifecycle tests, on the seeded province of fixtures_services.

The seed has the drafters (``truongphong``: lanh-dao-phong, a procedure role) and the leader
(``chutich``: lanh-dao); :func:`add_iso_secretary` adds ``isosec`` (thu-ky-iso), the usual
reviewer. The building permit (QT-XD-01) is published at revision 2.
"""

from __future__ import annotations

from fixtures_services import AGENCY, FILES, GPXD, LIBRARY
from sqlalchemy import select

from isobpmn.store import Event

GPXD_CODE = "QT-XD-01"
GPXD_XML = (LIBRARY / FILES[GPXD]).read_bytes()
AUTHOR, REVIEWER, LEADER = "truongphong", "isosec", "chutich"
#: A disconnected task: an error under the recommended preset (no-disconnected).
STRAY = '<bpmn:userTask id="Task_Lac" name="Bước lạc"/>\n  </bpmn:process>'


def add_iso_secretary(services) -> None:
    services.create_user(REVIEWER, "Phan Thu Trang")
    services.add_membership(REVIEWER, AGENCY, "thu-ky-iso")


def with_stray_task(xml: str | bytes) -> bytes:
    text = xml.decode() if isinstance(xml, bytes) else xml
    return text.replace("</bpmn:process>", STRAY, 1).encode()


def renamed(xml: str, old: str = "Thẩm định hồ sơ, kiểm tra thực địa",
            new: str = "Thẩm định hồ sơ và kiểm tra thực địa") -> bytes:
    assert old in xml
    return xml.replace(old, new).encode()


def through_review(services, version_id: int, comment: str = "Đạt") -> None:
    services.submit_version(version_id, AUTHOR)
    services.review_version(version_id, REVIEWER, comment=comment, verdict="ok")


def publish_next_revision(services, code: str = GPXD_CODE):
    """The next revision of ``code`` (one step renamed), through the whole lifecycle."""
    draft = services.new_draft(code, AUTHOR, agency=AGENCY)
    services.save_draft(draft.id, renamed(draft.xml), AUTHOR, expected_lock=draft.lock_version)
    through_review(services, draft.id, "Sửa tên bước thẩm định")
    services.approve_version(draft.id, LEADER)
    return services.publish_version(draft.id, LEADER)


def chain_kinds(services, procedure_id: int) -> list[str]:
    with services.db.read() as session:
        return list(session.scalars(select(Event.kind)
                                    .where(Event.chain_key == f"procedure:{procedure_id}")
                                    .order_by(Event.seq)))
