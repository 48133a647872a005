"""The directory as administrators see and change it: the agency tree, an agency's page, users
with their roles, and the changes that are not creations — each audited on the system chain."""

from __future__ import annotations

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, OTHER_AGENCY, ready
from sqlalchemy import select

from isobpmn.services import (
    InvalidRequest,
    NotAllowed,
    NotSignedIn,
    UnknownAgency,
    UnknownUser,
)
from isobpmn.store import Event


def system_events(database) -> list[Event]:
    with database.read() as session:
        return list(session.scalars(select(Event).where(Event.chain_key == "system")
                                    .order_by(Event.seq)))


def test_agencies_come_in_tree_order(services):
    services.create_agency("SO-TP", "Sở Tư pháp", level="department", parent="TINH-QN")
    services.create_agency("AA-KHAC", "Tỉnh khác", level="province")
    rows = services.list_agencies()
    assert [(r.code, r.depth, r.parent_code) for r in rows] == [
        ("AA-KHAC", 0, None),
        ("TINH-QN", 0, None),
        ("SO-TP", 1, "TINH-QN"),
        ("XA-BINH-MINH", 1, "TINH-QN"),
        ("XA-HOA-AN", 1, "TINH-QN"),
    ]


def test_an_agency_with_its_units_and_members(services):
    detail = services.agency_detail(AGENCY)
    assert (detail.name, detail.parent_code, detail.address, detail.calendar,
            detail.public_names) == ("Ủy ban nhân dân xã Hòa An", "TINH-QN", "Thôn 1, xã Hòa An",
                                     None, False)
    assert [u.code for u in detail.units] == ["phong-kinh-te", "phong-kt-ht-dt", "van-phong"]
    held = {(m.username, m.role_code, m.unit_code) for m in detail.members}
    assert ("motcua", "mot-cua", None) in held
    assert ("truongphong", "lanh-dao-phong", "van-phong") in held
    assert not any(m.username == "motcua_bm" for m in detail.members)
    with pytest.raises(UnknownAgency, match="XA-KHONG-CO"):
        services.agency_detail("XA-KHONG-CO")


def test_users_with_their_memberships_and_search(services):
    users = {u.username: u for u in services.list_users()}
    assert users["admin"].is_admin and users["admin"].memberships == ()
    assert [(m.agency_code, m.unit_code, m.role_code) for m in users["motcua_bm"].memberships] \
        == [(OTHER_AGENCY, "phong-kinh-te", "chuyen-vien"), (OTHER_AGENCY, None, "mot-cua")]
    assert [u.username for u in services.list_users(search="chuyen")] == \
        ["chuyenvien", "chuyenvien2"]
    assert [u.username for u in services.list_users(search="Hoàng Thị")] == ["vanthu"]
    assert services.user_detail("chutich").full_name == "Nguyễn Văn An"
    assert {"mot-cua", "lanh-dao", "chuyen-vien", "van-thu"} <= set(services.role_codes())


def test_update_an_agency_checks_its_calendar_and_records_the_changes(services, database):
    calendar = {"office_hours": ["07:30-11:30", "13:00-17:00"], "extra_days_off": ["2026-03-04"]}
    changed = services.update_agency(AGENCY, name="UBND xã Hòa An", address=" ",
                                     calendar=calendar, public_names=True, actor="admin")
    assert changed == ("name", "address", "calendar", "public_names")
    detail = services.agency_detail(AGENCY)
    assert (detail.name, detail.address, detail.calendar, detail.public_names) == \
        ("UBND xã Hòa An", None, calendar, True)
    event = system_events(database)[-1]
    assert (event.kind, event.actor_name, event.payload["code"]) == \
        ("agency_updated", "Quản trị hệ thống", AGENCY)
    assert event.payload["changes"]["calendar"] == calendar
    # the same again changes nothing and writes nothing
    assert services.update_agency(AGENCY, name="UBND xã Hòa An", address=None,
                                  calendar=calendar, public_names=True, actor="admin") == ()
    assert system_events(database)[-1].id == event.id
    # the new calendar counts at once: 04/03 is now a day off for this agency
    receipt = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")
    assert receipt.appointment_at.day == 9  # Tue 09:00 + 3 working days, Wed off → Mon 09/03
    assert services.verify_audit().ok


@pytest.mark.parametrize("calendar, problem", [
    ({"office_hours": ["07:00-11:30", "11:00-17:00"]}, "office_hours"),
    ({"ofice_hours": ["07:00-11:30"]}, "office_hours"),
    ({"receipt_cutoff": "25:00"}, "receipt_cutoff"),
])
def test_a_wrong_calendar_is_refused_with_the_calendars_message(services, calendar, problem):
    with pytest.raises(InvalidRequest, match=problem) as refused:
        services.update_agency(AGENCY, name="x", address=None, calendar=calendar,
                               public_names=False, actor="admin")
    assert f"agency {AGENCY}" in refused.value.message
    assert services.agency_detail(AGENCY).name == "Ủy ban nhân dân xã Hòa An"


def test_an_agency_needs_a_name_and_only_admins_change_it(services):
    with pytest.raises(InvalidRequest, match="needs a name"):
        services.update_agency(AGENCY, name="  ", address=None, calendar=None,
                               public_names=False, actor="admin")
    with pytest.raises(NotAllowed, match="administrators only"):
        services.update_agency(AGENCY, name="x", address=None, calendar=None,
                               public_names=True, actor="chutich")


def test_remove_a_membership(services, database):
    receipt = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")
    task = ready(services, receipt.case_code, "Task_TiepNhan")
    [membership] = services.user_detail("motcua").memberships
    with pytest.raises(NotAllowed):
        services.remove_membership(membership.id, actor="truongphong")
    services.remove_membership(membership.id, actor="admin")
    assert services.user_detail("motcua").memberships == ()
    with pytest.raises(NotAllowed, match="holds no role"):
        services.claim(task.id, "motcua")
    event = system_events(database)[-1]
    assert (event.kind, event.payload) == ("membership_removed", {
        "membership": membership.id, "user": "motcua", "agency": AGENCY, "unit": None,
        "role": "mot-cua"})
    with pytest.raises(InvalidRequest, match="no membership"):
        services.remove_membership(membership.id, actor="admin")


def test_deactivate_and_activate_a_user(services, database):
    services.set_password("hotich", "mat-khau-2026")
    token = services.create_api_token("hotich", "Cổng DVC").token
    assert services.set_user_active("hotich", False, actor="admin") is True
    assert services.set_user_active("hotich", False, actor="admin") is False
    with pytest.raises(NotSignedIn):
        services.authenticate("hotich", "mat-khau-2026")
    with pytest.raises(NotSignedIn):
        services.authenticate_token(token)
    with pytest.raises(UnknownUser, match="deactivated"):
        services.user_profile("hotich")
    assert services.user_detail("hotich").is_active is False
    assert any(u.username == "hotich" and not u.is_active for u in services.list_users())
    services.set_user_active("hotich", True, actor="admin")
    assert services.authenticate("hotich", "mat-khau-2026").username == "hotich"
    assert [e.kind for e in system_events(database)[-2:]] == ["user_deactivated",
                                                             "user_activated"]
    with pytest.raises(InvalidRequest, match="your own account"):
        services.set_user_active("admin", False, actor="admin")
    with pytest.raises(NotAllowed):
        services.set_user_active("hotich", False, actor="chutich")
    with pytest.raises(UnknownUser):
        services.set_user_active("khong-co", False, actor="admin")
