"""Service fixtures, shared as a pytest plugin: a seeded province on a migrated database.

``services`` is a :class:`~isobpmn.services.Services` on the ``database`` fixture (SQLite, and
PostgreSQL when configured) with a :class:`ManualClock`; :func:`seed` creates the directory the
scenarios use and publishes the library's procedures:

| user | role | agency / unit |
|---|---|---|
| ``motcua`` | mot-cua | XA-HOA-AN (agency-wide) |
| ``hotich`` | chuyen-vien | XA-HOA-AN / van-phong |
| ``chuyenvien``, ``chuyenvien2`` | chuyen-vien | XA-HOA-AN / phong-kinh-te, phong-kt-ht-dt |
| ``truongphong`` | lanh-dao-phong | XA-HOA-AN / van-phong, phong-kinh-te, phong-kt-ht-dt |
| ``chutich`` | lanh-dao | XA-HOA-AN |
| ``vanthu`` | van-thu | XA-HOA-AN / van-phong |
| ``motcua_bm`` | mot-cua, chuyen-vien | XA-BINH-MINH (another commune) |
| ``admin`` | administrator | — |
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "bpmn"
KHAI_SINH = "QT-HT-01"
HO_KINH_DOANH = "QT-DKKD-01"
GPXD = "QT-XD-01"
AGENCY = "XA-HOA-AN"
OTHER_AGENCY = "XA-BINH-MINH"
FILES = {
    KHAI_SINH: "dang-ky-khai-sinh.bpmn",
    HO_KINH_DOANH: "dang-ky-ho-kinh-doanh.bpmn",
    GPXD: "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn",
}
#: An ordinary working Tuesday morning, Hà Nội time.
TUESDAY = datetime(2026, 3, 3, 9, 0)

#: Hộ kinh doanh's happy path: (step, who completes it, what they enter).
HKD_HAPPY = [
    ("Task_TiepNhan", "motcua", {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "có"}),
    ("Task_ThamDinh", "chuyenvien", {"ten_ho_kinh_doanh": "Hộ kinh doanh An Phát",
                                     "nganh_nghe": "Bán lẻ", "von_kinh_doanh": "300000000",
                                     "ket_qua_tham_dinh": "dat"}),
    ("Task_XemXet", "truongphong", {"y_kien_xem_xet": "dong_y"}),
    ("Task_Ky", "chutich", {"ngay_ky": "04/03/2026"}),
    ("Task_VaoSo", "vanthu", {"so_giay_chung_nhan": "41A8-012345", "ngay_cap": "2026-03-04"}),
    ("Task_TraKetQua", "motcua", {"bien_lai_le_phi": "BL-0001", "ngay_tra": "04/03/2026"}),
]

#: The building permit's happy path.
GPXD_STEPS = [
    ("Task_TiepNhan", "motcua", {"chu_dau_tu": "Lê Văn Cường", "dia_diem_xay_dung": "Thửa 12",
                                 "ket_qua_kiem_tra": "tiep_nhan"}),
    ("Task_PhanCong", "truongphong", {"chuyen_vien_thu_ly": "Trần Văn Bình"}),
    ("Task_ThamDinh", "chuyenvien", {"ngay_kiem_tra_thuc_dia": "10/03/2026",
                                     "dien_tich_xay_dung": "95,5", "so_tang": 3,
                                     "ket_qua_tham_dinh": "dat"}),
    ("Task_DuThaoGiayPhep", "chuyenvien", {}),
    ("Task_XemXet", "truongphong", {}),
    ("Task_Ky", "chutich", {"ngay_ky": "26/03/2026"}),
    ("Task_VaoSo", "vanthu", {"so_giay_phep": "45/GPXD", "ngay_cap": "26/03/2026"}),
    ("Task_TraKetQua", "motcua", {"le_phi": 75000, "bien_lai_le_phi": {
        "number": "BL-12", "date": "26/03/2026"}, "ngay_tra": "26/03/2026"}),
]


def vn(*args: int) -> datetime:
    """An aware moment in Asia/Ho_Chi_Minh."""
    from isobpmn.engine.clock import VIETNAM

    return datetime(*args, tzinfo=VIETNAM)


def seed(services, procedures=(KHAI_SINH, HO_KINH_DOANH, GPXD)) -> None:
    s = services
    s.create_agency("TINH-QN", "Ủy ban nhân dân tỉnh Quảng Ninh", level="province")
    s.create_agency(AGENCY, "Ủy ban nhân dân xã Hòa An", parent="TINH-QN",
                    address="Thôn 1, xã Hòa An")
    s.create_agency(OTHER_AGENCY, "Ủy ban nhân dân xã Bình Minh", parent="TINH-QN")
    for code, name in (("van-phong", "Văn phòng HĐND và UBND"),
                       ("phong-kinh-te", "Phòng Kinh tế"),
                       ("phong-kt-ht-dt", "Phòng Kinh tế, Hạ tầng và Đô thị")):
        s.create_unit(AGENCY, code, name)
    s.create_unit(OTHER_AGENCY, "phong-kinh-te", "Phòng Kinh tế")
    people = {
        "motcua": ("Nguyễn Thị Mai", [("mot-cua", None)]),
        "hotich": ("Phạm Thị Hoa", [("chuyen-vien", "van-phong")]),
        "chuyenvien": ("Trần Văn Bình", [("chuyen-vien", "phong-kinh-te"),
                                         ("chuyen-vien", "phong-kt-ht-dt")]),
        "chuyenvien2": ("Lê Thị Cúc", [("chuyen-vien", "phong-kinh-te"),
                                       ("chuyen-vien", "phong-kt-ht-dt")]),
        "truongphong": ("Đỗ Minh Tuấn", [("lanh-dao-phong", "van-phong"),
                                         ("lanh-dao-phong", "phong-kinh-te"),
                                         ("lanh-dao-phong", "phong-kt-ht-dt")]),
        "chutich": ("Nguyễn Văn An", [("lanh-dao", None)]),
        "vanthu": ("Hoàng Thị Lan", [("van-thu", "van-phong")]),
    }
    for username, (name, roles) in people.items():
        s.create_user(username, name)
        for role, unit in roles:
            s.add_membership(username, AGENCY, role, unit=unit)
    s.create_user("motcua_bm", "Vũ Văn Đức")
    s.add_membership("motcua_bm", OTHER_AGENCY, "mot-cua")
    s.add_membership("motcua_bm", OTHER_AGENCY, "chuyen-vien", unit="phong-kinh-te")
    s.create_user("admin", "Quản trị hệ thống", is_admin=True)
    for code in procedures:
        s.publish_procedure((LIBRARY / FILES[code]).read_bytes(), AGENCY, name=FILES[code])


@pytest.fixture
def clock():
    from isobpmn.engine import ManualClock

    return ManualClock(TUESDAY)


@pytest.fixture
def services(database, clock):
    """Services on a migrated database, seeded (see the module)."""
    from isobpmn.services import Services

    services = Services(database, clock)
    seed(services)
    return services


def ready(services, case_code: str, bpmn_id: str):
    """The open task of ``bpmn_id`` in the dossier (its view)."""
    view = services.case_view(case_code)
    found = [t for t in view.tasks if t.bpmn_id == bpmn_id and t.state in ("ready", "claimed")]
    assert found, f"{bpmn_id} is not open in {case_code}: " + \
        ", ".join(f"{t.bpmn_id}={t.state}" for t in view.tasks)
    return found[0]


def together(*functions) -> list[Exception]:
    """Run the functions at the same moment, each in its own thread (as separate processes
    would); the exceptions they raised."""
    barrier = threading.Barrier(len(functions))
    errors: list[Exception] = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:  # handed back to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def kinds(services, case_code: str) -> list[str]:
    return [e.kind for e in services.case_view(case_code).events]


def gpxd_waiting_for_supplement(services, clock):
    """A building permit whose examination asked for a supplement on Wed 28/01/2026 10:00 (the
    30-day "Quá hạn bổ sung" timer then runs): its code and the request's ``StepDone``."""
    clock.set(vn(2026, 1, 26, 9, 0))
    code = services.receive_dossier(GPXD, AGENCY, "Lê Văn Cường", actor="motcua").case_code
    for bpmn_id, actor, data in GPXD_STEPS[:2]:
        clock.advance(hours=2)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    clock.set(vn(2026, 1, 27, 14, 0))
    services.complete_task(ready(services, code, "Task_ThamDinh").id, "chuyenvien",
                           {**GPXD_STEPS[2][2], "ket_qua_tham_dinh": "bo_sung"})
    clock.set(vn(2026, 1, 28, 10, 0))
    done = services.request_supplement(
        ready(services, code, "Task_ThongBaoBoSung").id, "chuyenvien",
        reason="Bản vẽ mặt bằng không đúng thực tế", items=["Bản vẽ mặt bằng"],
        data={"thong_bao_bo_sung": "15/TB-UBND ngày 28/01/2026"})
    return code, done
