"""Reading what an official enters for a step's fields (no database)."""

from __future__ import annotations

import pytest
from fixtures_services import FILES, GPXD, HO_KINH_DOANH, LIBRARY

from isobpmn.model import read_procedure
from isobpmn.services import InvalidField
from isobpmn.services.fields import validate_fields


def step(code: str, bpmn_id: str):
    return read_procedure(LIBRARY / FILES[code]).step(bpmn_id)


@pytest.mark.parametrize("code, bpmn_id, given, stored", [
    (HO_KINH_DOANH, "Task_TiepNhan", {"nguoi_nop": " An ", "ho_so_day_du": "Có"},
     {"nguoi_nop": "An", "ho_so_day_du": True}),
    (HO_KINH_DOANH, "Task_TiepNhan", {"nguoi_nop": "An", "ho_so_day_du": "false"},
     {"nguoi_nop": "An", "ho_so_day_du": False}),
    (HO_KINH_DOANH, "Task_Ky", {"ngay_ky": "04/03/2026"}, {"ngay_ky": "2026-03-04"}),
    (HO_KINH_DOANH, "Task_Ky", {"ngay_ky": "2026-03-04"}, {"ngay_ky": "2026-03-04"}),
    (GPXD, "Task_ThamDinh", {"ngay_kiem_tra_thuc_dia": "10-03-2026",
                             "dien_tich_xay_dung": "95,5", "so_tang": "3",
                             "ket_qua_tham_dinh": "dat"},
     {"ngay_kiem_tra_thuc_dia": "2026-03-10", "dien_tich_xay_dung": 95.5, "so_tang": 3,
      "ket_qua_tham_dinh": "dat"}),
    (GPXD, "Task_TraKetQua", {"le_phi": 75000.0, "ngay_tra": "26/03/2026",
                              "bien_lai_le_phi": {"number": "BL-12", "date": "26/03/2026"}},
     {"le_phi": 75000, "ngay_tra": "2026-03-26",
      "bien_lai_le_phi": {"number": "BL-12", "date": "2026-03-26"}}),
    (GPXD, "Task_XemXet", {}, {}),  # an optional field may stay empty
])
def test_values_are_read_and_stored_in_one_form(code, bpmn_id, given, stored):
    assert validate_fields(step(code, bpmn_id), given) == stored


@pytest.mark.parametrize("value, message", [
    ("31/02/2026", "not a date: '31/02/2026' (write dd/mm/yyyy, e.g. 13/02/2026)"),
    (20260304, "expected a date, got int"),
])
def test_bad_dates(value, message):
    with pytest.raises(InvalidField) as error:
        validate_fields(step(HO_KINH_DOANH, "Task_Ky"), {"ngay_ky": value})
    assert error.value.errors == {"ngay_ky (Ngày ký)": message}


@pytest.mark.parametrize("value", ["1.500.000", True, "1e400", "nan"])
def test_bad_numbers(value):
    with pytest.raises(InvalidField, match="so_tang"):
        validate_fields(step(GPXD, "Task_ThamDinh"), {
            "ngay_kiem_tra_thuc_dia": "10/03/2026", "dien_tich_xay_dung": 1, "so_tang": value,
            "ket_qua_tham_dinh": "dat"})


def test_a_document_reference_needs_its_number():
    with pytest.raises(InvalidField, match="needs its number"):
        validate_fields(step(GPXD, "Task_KyKhongCap"), {"van_ban_khong_cap": {"date": "x"}})


def test_only_limits_the_required_check():
    assert validate_fields(step(HO_KINH_DOANH, "Task_XemXet"), {"y_kien_xem_xet": "tra_lai"},
                           only={"y_kien_xem_xet"}) == {"y_kien_xem_xet": "tra_lai"}
