"""The demo province as data: agencies, units, staff and the dossiers' stories (docs/demo.md).

A story is a receipt and a list of :class:`Step` s, each at a :class:`When` — working days
before the day the demo is seeded and a time of day, or minutes ago — played by
:mod:`.demo` through the services; ``{today}`` (``{today-N}``) in a value is the step's date
(N days earlier). Unit and role codes are those of the library's lanes
(``iso:role code``/``unit``): mot-cua; chuyen-vien, lanh-dao-phong in van-phong (birth
registration), phong-kinh-te (household business), phong-kt-ht-dt (building permit);
lanh-dao; van-thu in van-phong; thu-ky-iso in van-phong (the internal QMS procedures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .views import Applicant

__all__ = ["AGENCIES", "BINH_MINH", "DOSSIERS", "GPXD", "HKD", "HOA_AN", "KS", "PROVINCE", "STAFF",
           "UNITS", "Dossier", "Step", "When"]

PROVINCE = "TINH-DEMO"
HOA_AN = "XA-HOA-AN"
BINH_MINH = "XA-BINH-MINH"
#: The library's procedures the dossiers run on (document codes).
HKD, KS, GPXD = "QT-DKKD-01", "QT-HT-01", "QT-XD-01"

#: code, name, level, parent, address
AGENCIES = (
    (PROVINCE, "Ủy ban nhân dân tỉnh Demo", "province", None, "Số 1 đường Trần Hưng Đạo"),
    ("SO-KHDT", "Sở Kế hoạch và Đầu tư", "department", PROVINCE, "Số 5 đường Lê Lợi"),
    (HOA_AN, "Ủy ban nhân dân xã Hòa An", "commune", PROVINCE, "Thôn 1, xã Hòa An"),
    (BINH_MINH, "Ủy ban nhân dân xã Bình Minh", "commune", PROVINCE, "Thôn Đông, xã Bình Minh"),
)

_COMMUNE_UNITS = (("van-phong", "Văn phòng HĐND và UBND"), ("phong-kinh-te", "Phòng Kinh tế"),
                  ("phong-kt-ht-dt", "Phòng Kinh tế, Hạ tầng và Đô thị"))
UNITS = {
    "SO-KHDT": (("van-phong", "Văn phòng Sở"),
                ("phong-dang-ky-kinh-doanh", "Phòng Đăng ký kinh doanh")),
    HOA_AN: _COMMUNE_UNITS,
    BINH_MINH: _COMMUNE_UNITS,
}


def _all_units(agency: str, role: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((agency, role, unit) for unit, _ in _COMMUNE_UNITS)


#: username, full name, memberships (agency, role, unit or None), administrator
STAFF: tuple[tuple[str, str, tuple[tuple[str, str, str | None], ...], bool], ...] = (
    ("motcua", "Nguyễn Thị Mai", ((HOA_AN, "mot-cua", None),), False),
    ("hotich", "Phạm Thị Hoa", ((HOA_AN, "chuyen-vien", "van-phong"),), False),
    ("chuyenvien", "Trần Văn Bình", ((HOA_AN, "chuyen-vien", "phong-kinh-te"),
                                     (HOA_AN, "chuyen-vien", "phong-kt-ht-dt")), False),
    ("truongphong", "Đỗ Minh Tuấn", _all_units(HOA_AN, "lanh-dao-phong"), False),
    ("chutich", "Lê Văn Quang", ((HOA_AN, "lanh-dao", None),), False),
    ("vanthu", "Hoàng Thị Lan", ((HOA_AN, "van-thu", "van-phong"),), False),
    ("thukyiso", "Vũ Thị Thu", ((HOA_AN, "thu-ky-iso", "van-phong"),), False),
    ("motcua_bm", "Vũ Văn Đức", ((BINH_MINH, "mot-cua", None),), False),
    ("chuyenvien_bm", "Đặng Thị Ngọc", _all_units(BINH_MINH, "chuyen-vien"), False),
    ("truongphong_bm", "Bùi Quang Huy", _all_units(BINH_MINH, "lanh-dao-phong"), False),
    ("chutich_bm", "Lý Văn Sơn", ((BINH_MINH, "lanh-dao", None),), False),
    ("vanthu_bm", "Ngô Thị Yến", ((BINH_MINH, "van-thu", "van-phong"),), False),
    ("giamdoc_skhdt", "Trịnh Công Minh", (("SO-KHDT", "lanh-dao", None),), False),
    ("admin", "Quản trị hệ thống", (), True),
)

#: Who plays each lane in each commune.
_CREW = {
    HOA_AN: {"desk": "motcua", "civil": "hotich", "specialist": "chuyenvien",
             "head": "truongphong", "leader": "chutich", "clerk": "vanthu"},
    BINH_MINH: {"desk": "motcua_bm", "civil": "chuyenvien_bm", "specialist": "chuyenvien_bm",
                "head": "truongphong_bm", "leader": "chutich_bm", "clerk": "vanthu_bm"},
}


@dataclass(frozen=True)
class When:
    """``days_ago`` working days before today at ``time`` ("HH:MM"); or, with ``days_ago``
    0, ``minutes_ago`` minutes of office time ago."""

    days_ago: int = 0
    time: str = ""
    minutes_ago: int = 0


@dataclass(frozen=True)
class Step:
    """One thing done to a dossier: an action of :mod:`.demo`, by ``actor``, at ``when``."""

    when: When
    action: str
    actor: str
    bpmn_id: str = ""
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dossier:
    """A demo dossier: its stage (shown by the seed), procedure, agency, applicant, when it was
    received and what happened to it since."""

    stage: str
    procedure: str
    agency: str
    applicant: Applicant
    received: When
    steps: tuple[Step, ...] = ()
    request: str | None = None

    @property
    def desk(self) -> str:
        return _CREW[self.agency]["desk"]


def _at(days_ago: int, hhmm: str) -> When:
    return When(days_ago, hhmm)


def _path(agency: str, plan, times) -> list[Step]:
    """The first ``len(times)`` steps of ``plan`` ((bpmn id, lane, data)), at ``times``."""
    crew = _CREW[agency]
    return [Step(_at(*when), "complete", crew[lane], bpmn_id, data=data)
            for (bpmn_id, lane, data), when in zip(plan, times, strict=False)]


def _hkd(owner: str, business: str, trade: str, capital: int, number: str):
    return [
        ("Task_TiepNhan", "desk", {"nguoi_nop": owner, "ho_so_day_du": "có"}),
        ("Task_ThamDinh", "specialist", {"ten_ho_kinh_doanh": business, "nganh_nghe": trade,
                                         "von_kinh_doanh": capital, "ket_qua_tham_dinh": "dat"}),
        ("Task_XemXet", "head", {"y_kien_xem_xet": "dong_y"}),
        ("Task_Ky", "leader", {"ngay_ky": "{today}"}),
        ("Task_VaoSo", "clerk", {"so_giay_chung_nhan": number, "ngay_cap": "{today}"}),
        ("Task_TraKetQua", "desk", {"bien_lai_le_phi": f"BL-{number[-4:]}",
                                    "ngay_tra": "{today}"}),
    ]


def _ks(parent: str, child: str, born: str, entry: str):
    return [
        ("Task_TiepNhan", "desk", {"nguoi_yeu_cau": parent, "ket_qua_kiem_tra": "tiep_nhan"}),
        ("Task_GhiSo", "civil", {"ho_ten_tre": child, "ngay_sinh": born, "so_dang_ky": entry}),
        ("Task_XemXet", "head", {"y_kien_xem_xet": "Đủ điều kiện, trình ký"}),
        ("Task_Ky", "leader", {"ngay_ky": "{today}"}),
        ("Task_VaoSo", "clerk", {"so_ban_sao": 2}),
        ("Task_TraKetQua", "desk", {"ngay_tra": "{today}", "nguoi_nhan": parent}),
    ]


def _gpxd(owner: str, site: str, area: str, floors: int, number: str):
    return [
        ("Task_TiepNhan", "desk", {"chu_dau_tu": owner, "dia_diem_xay_dung": site,
                                   "ket_qua_kiem_tra": "tiep_nhan"}),
        ("Task_PhanCong", "head", {"chuyen_vien_thu_ly": "Trần Văn Bình"}),
        ("Task_ThamDinh", "specialist", {"ngay_kiem_tra_thuc_dia": "{today}",
                                         "dien_tich_xay_dung": area, "so_tang": floors,
                                         "ket_qua_tham_dinh": "dat"}),
        ("Task_DuThaoGiayPhep", "specialist", {}),
        ("Task_XemXet", "head", {"y_kien_xem_xet": "Đồng ý trình ký"}),
        ("Task_Ky", "leader", {"ngay_ky": "{today}"}),
        ("Task_VaoSo", "clerk", {"so_giay_phep": number, "ngay_cap": "{today}"}),
        ("Task_TraKetQua", "desk", {"le_phi": 75000, "bien_lai_le_phi": f"BL-{number[:2]}00",
                                    "ngay_tra": "{today}"}),
    ]


def _person(name: str, id_number: str, address: str, phone: str) -> Applicant:
    return Applicant(name, id_number, address, phone)


def _returned(agency: str, days_ago: int, hhmm: str, score: int | None = None,
              comment: str = "") -> list[Step]:
    """The result handed over, and the applicant's rating of it."""
    steps = [Step(_at(days_ago, hhmm), "hand_over", _CREW[agency]["desk"])]
    if score is not None:
        steps.append(Step(_at(days_ago, hhmm), "rate", "", text=comment,
                          data={"score": score}))
    return steps


_INCOMPLETE = {"ho_so_day_du": "không"}
_ID_CARD = [{"name": "Bản sao Căn cước của chủ hộ kinh doanh", "quantity": 1,
             "copy": "certified"}]

_A = _person("Trần Thị Hồng", "001186004512", "Thôn 2, xã Hòa An", "0912 345 678")
_B = _person("Lê Văn Tâm", "001090007781", "Thôn 3, xã Hòa An", "0987 654 321")
_C = _person("Phạm Quốc Việt", "001085002233", "Thôn 4, xã Hòa An", "0903 111 222")
_D = _person("Nguyễn Thị Thanh", "001192003344", "Thôn 1, xã Hòa An", "0934 222 333")
_E = _person("Đỗ Văn Hải", "001079005566", "Thôn 5, xã Hòa An", "0978 333 444")
_F = _person("Hoàng Minh Khoa", "001188006677", "Thôn Đông, xã Bình Minh", "0945 444 555")

DOSSIERS: tuple[Dossier, ...] = (
    Dossier("vừa tiếp nhận", HKD, HOA_AN, _A, When(minutes_ago=40)),
    Dossier("vừa tiếp nhận", KS, HOA_AN, _B, When(minutes_ago=15)),
    Dossier("đang thẩm định (đúng tiến độ)", HKD, HOA_AN, _C, _at(1, "14:00"), (
        *_path(HOA_AN, _hkd(_C.name, "Hộ kinh doanh Việt Phát", "Sửa chữa xe máy", 150000000,
                            "27B8-000101"), [(1, "14:30")]),
        Step(_at(1, "15:00"), "claim", "chuyenvien", "Task_ThamDinh"))),
    Dossier("đang thẩm định, kiểm tra thực địa", GPXD, HOA_AN, _D, _at(4, "08:00"), (
        *_path(HOA_AN, _gpxd(_D.name, "Thửa 45, tờ bản đồ 12", "96,5", 3, ""),
               [(4, "09:00"), (4, "14:00")]),
        Step(_at(4, "15:00"), "claim", "chuyenvien", "Task_ThamDinh"))),
    Dossier("quá hạn (chờ lãnh đạo phòng xem xét)", HKD, HOA_AN, _E, _at(7, "08:00"),
            tuple(_path(HOA_AN, _hkd(_E.name, "Hộ kinh doanh Hải Đăng", "Bán lẻ thực phẩm",
                                     200000000, "27B8-000102"), [(7, "09:00"), (6, "10:00")]))),
    Dossier("quá hạn (chờ ký)", KS, HOA_AN, _B, _at(2, "09:00"), tuple(_path(
        HOA_AN, _ks(_B.name, "Lê Minh Anh", "{today-6}", "12/2026"),
        [(2, "09:20"), (2, "11:00"), (2, "14:00")]))),
    Dossier("chậm tiến độ (thẩm định quá hạn bước)", GPXD, HOA_AN, _E, _at(12, "08:00"),
            tuple(_path(HOA_AN, _gpxd(_E.name, "Thửa 7, tờ bản đồ 3", "120", 2, ""),
                        [(12, "09:00"), (12, "15:00")]))),
    Dossier("chờ bổ sung hồ sơ", HKD, HOA_AN, _D, _at(2, "08:00"), (
        Step(_at(2, "08:30"), "complete", "motcua", "Task_TiepNhan",
             data={"nguoi_nop": _D.name, **_INCOMPLETE}),
        Step(_at(2, "09:00"), "ask", "motcua", "Task_HuongDanBoSung",
             text="Thiếu bản sao Căn cước của chủ hộ kinh doanh", data={"items": _ID_CARD}))),
    Dossier("trả lại để thẩm định lại", HKD, HOA_AN, _A, _at(2, "14:00"), (
        *_path(HOA_AN, _hkd(_A.name, "Hộ kinh doanh Hồng Nhung", "Bán lẻ quần áo", 80000000,
                            "27B8-000103"), [(2, "14:30"), (1, "09:00")]),
        Step(_at(1, "10:00"), "send_back", "truongphong", "Task_XemXet",
             text="Ghi lại ngành, nghề kinh doanh theo mã ngành cấp 4"),
        Step(_at(1, "10:30"), "claim", "chuyenvien", "Task_ThamDinh"))),
    Dossier("đã trả kết quả — trước hạn", HKD, HOA_AN, _C, _at(9, "08:00"), (
        *_path(HOA_AN, _hkd(_C.name, "Hộ kinh doanh Quốc Việt", "Dịch vụ ăn uống", 120000000,
                            "27B8-000091"),
               [(9, "08:30"), (9, "14:00"), (8, "09:00"), (8, "10:00"), (8, "14:00"),
                (8, "15:00")]),
        *_returned(HOA_AN, 8, "15:00", 5, "Cán bộ hướng dẫn tận tình, trả kết quả sớm."))),
    Dossier("đã trả kết quả — đúng hạn", HKD, HOA_AN, _B, _at(11, "14:00"), (
        *_path(HOA_AN, _hkd(_B.name, "Hộ kinh doanh Tâm An", "Bán lẻ vật liệu xây dựng",
                            500000000, "27B8-000088"),
               [(11, "15:00"), (9, "10:00"), (9, "15:00"), (8, "08:00"), (8, "09:00"),
                (8, "10:30")]),
        *_returned(HOA_AN, 8, "10:30", 4))),
    Dossier("đã trả kết quả — quá hạn, có thư xin lỗi", HKD, HOA_AN, _E, _at(14, "08:00"), (
        *_path(HOA_AN, _hkd(_E.name, "Hộ kinh doanh Hải Yến", "Kinh doanh vận tải hàng hóa",
                            900000000, "27B8-000079"), [(14, "08:30"), (13, "16:00")]),
        Step(_at(11, "09:00"), "apology", "motcua",
             text="Cần xác minh thông tin đăng ký thuế với cơ quan thuế",
             data={"signer": "chutich", "until": _at(10, "17:00")}),
        *_path(HOA_AN, _hkd(_E.name, "", "", 0, "27B8-000079")[2:],
               [(11, "10:00"), (11, "14:00"), (11, "15:00"), (10, "09:00")]),
        *_returned(HOA_AN, 10, "09:00", 3, "Chậm so với hẹn nhưng có thông báo và xin lỗi."))),
    Dossier("giải quyết xong — quá hạn (bổ sung hai lần)", HKD, HOA_AN, _D, _at(16, "08:00"), (
        Step(_at(16, "08:30"), "complete", "motcua", "Task_TiepNhan",
             data={"nguoi_nop": _D.name, **_INCOMPLETE}),
        Step(_at(16, "09:00"), "ask", "motcua", "Task_HuongDanBoSung",
             text="Thiếu bản sao Căn cước của chủ hộ kinh doanh", data={"items": _ID_CARD}),
        Step(_at(15, "08:00"), "supplied", "motcua", text="Đã nộp bản sao Căn cước"),
        Step(_at(15, "08:30"), "complete", "motcua", "Task_TiepNhan",
             data={"nguoi_nop": _D.name, **_INCOMPLETE}),
        Step(_at(15, "09:00"), "ask", "motcua", "Task_HuongDanBoSung",
             text="Thiếu giấy tờ về địa điểm kinh doanh"),
        Step(_at(14, "08:00"), "supplied", "motcua", text="Đủ giấy tờ"),
        *_path(HOA_AN, _hkd(_D.name, "Hộ kinh doanh Thanh Tâm", "Dịch vụ cắt tóc, gội đầu",
                            50000000, "27B8-000084"),
               [(14, "08:30"), (14, "14:00"), (13, "09:00"), (13, "10:00"), (13, "14:00"),
                (13, "15:00")]))),
    Dossier("đã trả văn bản từ chối (không đủ điều kiện)", HKD, HOA_AN, _C, _at(5, "08:00"), (
        *_path(HOA_AN, _hkd(_C.name, "", "", 0, "")[:1], [(5, "08:30")]),
        Step(_at(5, "14:00"), "complete", "chuyenvien", "Task_ThamDinh", data={
            "ten_ho_kinh_doanh": "Hộ kinh doanh Việt Long", "nganh_nghe": "Kinh doanh pháo",
            "von_kinh_doanh": 100000000, "ket_qua_tham_dinh": "khong_dat"}),
        Step(_at(5, "15:00"), "complete", "chuyenvien", "Task_DuThaoTuChoi", data={
            "ly_do_tu_choi": "Ngành, nghề thuộc danh mục cấm đầu tư kinh doanh"}),
        Step(_at(4, "09:00"), "complete", "chutich", "Task_KyTuChoi",
             data={"van_ban_tu_choi": "35/UBND-KT ngày {today}"}),
        *_returned(HOA_AN, 4, "10:00"))),
    Dossier("từ chối tiếp nhận (Mẫu 03)", KS, HOA_AN, _A, _at(3, "10:00"), (
        Step(_at(3, "10:10"), "refuse", "motcua",
             text="Người đi đăng ký không có văn bản ủy quyền của cha, mẹ của trẻ"),)),
    Dossier("đã trả kết quả — đúng hạn", KS, HOA_AN, _D, _at(3, "08:00"), (
        *_path(HOA_AN, _ks(_D.name, "Nguyễn Gia Bảo", "{today-9}", "11/2026"),
               [(3, "08:15"), (3, "09:30"), (3, "10:00"), (3, "10:30"), (3, "10:45"),
                (3, "11:00")]),
        *_returned(HOA_AN, 3, "11:00", 5))),
    Dossier("đã trả kết quả — trước hạn", GPXD, HOA_AN, _C, _at(20, "08:00"), (
        *_path(HOA_AN, _gpxd(_C.name, "Thửa 102, tờ bản đồ 8", "85", 2, "21/GPXD"),
               [(20, "09:00"), (20, "14:00"), (17, "10:00"), (16, "10:00"), (15, "09:00"),
                (14, "10:00"), (14, "14:00"), (13, "09:00")]),
        *_returned(HOA_AN, 13, "09:00", 5, "Thủ tục nhanh gọn."))),
    Dossier("vừa tiếp nhận", HKD, BINH_MINH, _F, When(minutes_ago=5)),
    Dossier("quá hạn (chờ thẩm định)", HKD, BINH_MINH, _F, _at(5, "09:00"), tuple(_path(
        BINH_MINH, _hkd(_F.name, "", "", 0, ""), [(5, "09:30")]))),
    Dossier("đã trả kết quả — đúng hạn", KS, BINH_MINH, _F, _at(1, "08:00"), (
        *_path(BINH_MINH, _ks(_F.name, "Hoàng Minh Châu", "{today-4}", "04/2026"),
               [(1, "08:20"), (1, "09:00"), (1, "09:30"), (1, "10:00"), (1, "10:15"),
                (1, "10:30")]),
        *_returned(BINH_MINH, 1, "10:30", 4))),
)
