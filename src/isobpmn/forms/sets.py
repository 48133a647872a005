"""Form sets: which forms a legal text defines and how it numbers them (DOMAIN §6).

A set is data: the code a deployment chooses (``FORM_SET`` of the web app), the legal text
printed under the title, and one :class:`FormSpec` per kind. Two sets are built in:

- ``tt03-2025`` (the default): Thông tư 03/2025/TT-VPCP, with Nghị định 118/2025/NĐ-CP —
  01 receipt, 02 supplement, 03 refusal, 04 apology and request to extend, 05 stop notice,
  06 control sheet, 07 log book;
- ``tt01-2018``: Thông tư 01/2018/TT-VPCP (until mid-2025) — 01 to 06, no stop notice.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_FORM_SET", "FORM_SETS", "KINDS", "FormError", "FormNotInSet", "FormSet",
           "FormSpec", "UnknownFormSet", "form_set"]

#: Every kind of form, in the order of the newest set.
KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control-sheet", "log-book")

DEFAULT_FORM_SET = "tt03-2025"


class FormError(Exception):
    """A form cannot be made as asked; the message says what to choose instead."""


class UnknownFormSet(FormError):
    """No form set has that code."""


class FormNotInSet(FormError):
    """The kind is unknown, or the chosen set has no such form (a stop notice in TT 01/2018)."""


@dataclass(frozen=True)
class FormSpec:
    """One form of a set: its kind, its number in the set ("01") and its title."""

    kind: str
    number: str
    title: str

    @property
    def label(self) -> str:
        """``Mẫu số 01``: how the form names itself, top right."""
        return f"Mẫu số {self.number}"


@dataclass(frozen=True)
class FormSet:
    """The forms of one legal text, by kind."""

    code: str
    basis: str
    forms: tuple[FormSpec, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(spec.kind for spec in self.forms)

    def form(self, kind: str) -> FormSpec:
        """The form of ``kind``; :class:`FormNotInSet` when the set has none."""
        for spec in self.forms:
            if spec.kind == kind:
                return spec
        if kind not in KINDS:
            raise FormNotInSet(f"unknown form {kind!r}; the forms are {', '.join(KINDS)}")
        others = [s.code for s in FORM_SETS.values() if kind in s.kinds]
        raise FormNotInSet(f"the form set {self.code} ({self.basis}) has no {kind} form; "
                           f"choose the form set {' or '.join(others)} for it")


def _set(code: str, basis: str, *forms: tuple[str, str]) -> FormSet:
    return FormSet(code, basis, tuple(FormSpec(kind, f"{n:02d}", title)
                                      for n, (kind, title) in enumerate(forms, 1)))


FORM_SETS: dict[str, FormSet] = {s.code: s for s in (
    _set("tt03-2025", "Thông tư số 03/2025/TT-VPCP ngày 15/9/2025 của Văn phòng Chính phủ",
         ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
         ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
         ("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
         ("apology", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
         ("stop", "Thông báo dừng giải quyết hồ sơ"),
         ("control-sheet", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
         ("log-book", "Sổ theo dõi hồ sơ")),
    _set("tt01-2018", "Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ",
         ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
         ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
         ("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
         ("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
         ("control-sheet", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
         ("log-book", "Sổ theo dõi hồ sơ")),
)}


def form_set(code: str | FormSet | None = None) -> FormSet:
    """The set named ``code`` (default ``tt03-2025``); :class:`UnknownFormSet` otherwise."""
    if isinstance(code, FormSet):
        return code
    found = FORM_SETS.get(code or DEFAULT_FORM_SET)
    if found is None:
        raise UnknownFormSet(f"unknown form set {code!r}; use one of {', '.join(FORM_SETS)}")
    return found
