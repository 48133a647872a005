"""Reading the ``iso`` extension (docs/schema.md) into typed values.

Each ``read_*`` function takes the ``iso`` element and a :class:`Problems` collector. A bad
value is reported with its line and what would be right, and reading goes on, so one pass
shows every mistake in a file.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from isobpmn.model.duration import Duration, DurationError, TimeUnit
from isobpmn.model.errors import ModelProblem
from isobpmn.model.types import (
    Choice,
    CopyKind,
    Definition,
    DocumentControl,
    DocumentRef,
    DossierComponent,
    Fee,
    Field,
    FieldType,
    ProcedureInfo,
    ProcedureKind,
    RecordToKeep,
    RevisionEntry,
    RoleInfo,
    SignOff,
    SignOffRole,
    StepInfo,
    Suppression,
)

ISO_NS = "urn:isobpmn:iso:1"
_Q = "{%s}" % ISO_NS

ROLE_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


class Problems:
    """Collects problems for one file."""

    def __init__(self) -> None:
        self.items: list[ModelProblem] = []
        self.owner: str | None = None  # the element whose iso data is being read

    @contextmanager
    def about(self, bpmn_id: str | None):
        """Attribute problems reported inside the block to ``bpmn_id``."""
        previous, self.owner = self.owner, bpmn_id
        try:
            yield self
        finally:
            self.owner = previous

    def add(self, code: str, message: str, element: etree._Element | None = None,
            bpmn_id: str | None = None, line: int | None = None) -> None:
        if element is not None:
            line = element.sourceline
        if bpmn_id is None:
            bpmn_id = self.owner
        self.items.append(ModelProblem(code, message, line, bpmn_id))


def iso_tag(name: str) -> str:
    return _Q + name


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    if not len(element):  # the usual case: text only, no child elements or comments
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


# --- attribute readers ------------------------------------------------------------------------


def _attr(el: etree._Element, name: str, problems: Problems, *, required: bool = False,
          example: str = "") -> str:
    value = (el.get(name) or "").strip()
    if required and not value:
        hint = f', e.g. {name}="{example}"' if example else ""
        problems.add("iso", f"iso:{local(el)} needs the attribute {name}{hint}", el)
    return value


def _date(el: etree._Element, name: str, problems: Problems, *, required: bool = False) -> date | None:
    value = _attr(el, name, problems, required=required, example="2026-01-15")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add("iso", f'iso:{local(el)} {name}="{value}" is not a date; write YYYY-MM-DD, '
                            f'e.g. {name}="2026-01-15"', el)
        return None


def _int(el: etree._Element, name: str, problems: Problems, *, default: int | None = None,
         required: bool = False, minimum: int = 1) -> int | None:
    value = _attr(el, name, problems, required=required, example=str(minimum))
    if not value:
        return default
    # str.isdigit() alone accepts "²", and int() refuses more than 4300 digits: check first.
    digits = value.isascii() and value.isdigit() and len(value) <= 6
    if not digits or not minimum <= int(value) <= 100000:
        problems.add("iso", f'iso:{local(el)} {name}="{value}" must be a whole number '
                            f'of at least {minimum}', el)
        return default
    return int(value)


def _bool(el: etree._Element, name: str, problems: Problems, default: bool) -> bool:
    value = _attr(el, name, problems)
    if not value:
        return default
    if value in ("true", "false"):
        return value == "true"
    problems.add("iso", f'iso:{local(el)} {name}="{value}" must be true or false', el)
    return default


def _choice(el: etree._Element, name: str, problems: Problems, enum_type: type, *,
            required: bool = True):
    value = _attr(el, name, problems)
    allowed = ", ".join(m.value for m in enum_type)
    if not value:
        if required:
            problems.add("iso", f"iso:{local(el)} needs the attribute {name} (one of: {allowed})", el)
        return None
    try:
        return enum_type(value)
    except ValueError:
        problems.add("iso", f'iso:{local(el)} {name}="{value}" is not allowed; use one of: {allowed}', el)
        return None


def _check_attrs(el: etree._Element, allowed: set[str], problems: Problems) -> None:
    for key in el.attrib:
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            problems.add("iso", f"iso:{local(el)} has an unknown attribute {key!r} "
                                f"(allowed: {known})", el)


def _children(el: etree._Element, allowed: dict[str, bool], problems: Problems
              ) -> dict[str, list[etree._Element]]:
    """Group ``iso`` children by name; report unknown ones and repeats of single ones.

    ``allowed`` maps a child name to whether it may repeat.
    """
    found: dict[str, list[etree._Element]] = {name: [] for name in allowed}
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        qname = etree.QName(child)
        if qname.namespace != ISO_NS:
            problems.add("iso", f"<{qname.localname}> (namespace {qname.namespace or 'none'}) is "
                                f"not allowed inside iso:{local(el)}; only iso elements go here",
                         child)
            continue
        name = qname.localname
        if name not in allowed:
            known = ", ".join(f"iso:{n}" for n in allowed)
            problems.add("iso", f"iso:{name} is not allowed inside iso:{local(el)} "
                                f"(allowed: {known})", child)
            continue
        if found[name] and not allowed[name]:
            problems.add("iso", f"iso:{name} appears more than once inside iso:{local(el)}", child)
            continue
        found[name].append(child)
    return found


def read_duration(el: etree._Element, problems: Problems) -> Duration | None:
    _check_attrs(el, {"value", "unit"}, problems)
    unit_text = _attr(el, "unit", problems)
    value_text = _attr(el, "value", problems)
    try:
        unit = TimeUnit(unit_text)
    except ValueError:
        units = ", ".join(u.value for u in TimeUnit)
        shown = f'unit="{unit_text}" is not a time unit' if unit_text else "needs a unit"
        problems.add("iso", f"iso:{local(el)} {shown}; use one of: {units}", el)
        return None
    if unit is TimeUnit.SAME_DAY:
        value_text = value_text or "0"
    elif not value_text:
        problems.add("iso", f'iso:{local(el)} needs a value, e.g. value="0.5" unit="{unit.value}"', el)
        return None
    try:
        return _duration(value_text, unit)
    except DurationError as exc:
        problems.add("iso", f'iso:{local(el)} value="{value_text}": {exc}', el)
        return None


@lru_cache(maxsize=512)
def _duration(value_text: str, unit: TimeUnit) -> Duration:
    """Durations are immutable and a library repeats the same few ("0.5", "working-days")."""
    return Duration.of(value_text, unit)


# --- process level ----------------------------------------------------------------------------


def read_procedure_info(el: etree._Element, problems: Problems) -> ProcedureInfo | None:
    _check_attrs(el, {"kind", "agency", "field"}, problems)
    kind = _choice(el, "kind", problems, ProcedureKind)
    parts = _children(el, {
        "document": False, "revision": True, "purpose": False, "scope": False,
        "reference": True, "definition": True, "legalBasis": True, "dossier": False,
        "timeLimit": False, "place": False, "fee": False, "record": True,
    }, problems)
    if not parts["document"]:
        problems.add("iso", 'iso:procedure needs an iso:document child with code, revision and '
                            'title, e.g. <iso:document code="QT-HT-01" revision="1">', el)
        document = None
    else:
        document = _read_document(parts["document"][0], problems)
    for simple in ("purpose", "scope", "reference", "legalBasis", "place"):
        for child in parts[simple]:
            _check_attrs(child, set(), problems)
    definitions = []
    for child in parts["definition"]:
        _check_attrs(child, {"term"}, problems)
        definitions.append(Definition(_attr(child, "term", problems, required=True, example="UBND"),
                                      text_of(child)))
    components: list[DossierComponent] = []
    sets = 1
    if parts["dossier"]:
        sets, components = _read_dossier(parts["dossier"][0], problems)
    time_limit, note = None, ""
    if parts["timeLimit"]:
        time_limit = read_duration(parts["timeLimit"][0], problems)
        note = text_of(parts["timeLimit"][0])
    if kind is None or document is None:
        return None
    return ProcedureInfo(
        kind=kind,
        document=document,
        agency=_attr(el, "agency", problems),
        field=_attr(el, "field", problems),
        revisions=tuple(r for r in (_read_revision(c, problems) for c in parts["revision"]) if r),
        purpose=_first_text(parts["purpose"]),
        scope=_first_text(parts["scope"]),
        references=tuple(text_of(c) for c in parts["reference"]),
        definitions=tuple(definitions),
        legal_basis=tuple(text_of(c) for c in parts["legalBasis"]),
        dossier=tuple(components),
        dossier_sets=sets,
        time_limit=time_limit,
        time_limit_note=note,
        place=_first_text(parts["place"]),
        fee=_read_fee(parts["fee"][0], problems) if parts["fee"] else None,
        records=tuple(r for r in (_read_record(c, problems) for c in parts["record"]) if r),
    )


def _first_text(elements: list[etree._Element]) -> str:
    return text_of(elements[0]) if elements else ""


def _read_document(el: etree._Element, problems: Problems) -> DocumentControl | None:
    _check_attrs(el, {"code", "revision", "issued"}, problems)
    code = _attr(el, "code", problems, required=True, example="QT-HT-01")
    revision = _int(el, "revision", problems, required=True)
    issued = _date(el, "issued", problems)
    parts = _children(el, {"title": False, "signOff": True}, problems)
    title = _first_text(parts["title"])
    if not title:
        problems.add("iso", "iso:document needs an iso:title child with the procedure's title", el)
    sign_offs = []
    for child in parts["signOff"]:
        _check_attrs(child, {"role", "name", "position", "date"}, problems)
        role = _choice(child, "role", problems, SignOffRole)
        name = _attr(child, "name", problems, required=True, example="Nguyễn Văn An")
        if role is not None:
            sign_offs.append(SignOff(role, name, _attr(child, "position", problems),
                                     _date(child, "date", problems)))
    if not code or revision is None:
        return None
    return DocumentControl(code=code, revision=revision, title=title, issued=issued,
                           sign_offs=tuple(sign_offs))


def _read_revision(el: etree._Element, problems: Problems) -> RevisionEntry | None:
    _check_attrs(el, {"number", "date", "section", "request"}, problems)
    number = _int(el, "number", problems, required=True)
    when = _date(el, "date", problems, required=True)
    if number is None or when is None:
        return None
    return RevisionEntry(number, when, text_of(el), _attr(el, "section", problems),
                         _attr(el, "request", problems))


def _read_dossier(el: etree._Element, problems: Problems) -> tuple[int, list[DossierComponent]]:
    _check_attrs(el, {"sets"}, problems)
    sets = _int(el, "sets", problems, default=1) or 1
    parts = _children(el, {"component": True}, problems)
    components = []
    for child in parts["component"]:
        _check_attrs(child, {"copy", "quantity", "required", "note"}, problems)
        copies = []
        allowed = ", ".join(c.value for c in CopyKind)
        words = _attr(child, "copy", problems).split()
        if not words:
            problems.add("iso", f"iso:component needs the attribute copy (one or more of: {allowed})",
                         child)
        for word in words:
            try:
                copies.append(CopyKind(word))
            except ValueError:
                problems.add("iso", f'iso:component copy="{word}" is not allowed; use one or more '
                                    f"of: {allowed}", child)
        name = text_of(child)
        if not name:
            problems.add("iso", "iso:component needs the name of the paper as its text", child)
        components.append(DossierComponent(
            name=name, copies=tuple(copies),
            quantity=_int(child, "quantity", problems, default=1) or 1,
            required=_bool(child, "required", problems, True),
            note=_attr(child, "note", problems),
        ))
    return sets, components


def _read_fee(el: etree._Element, problems: Problems) -> Fee:
    _check_attrs(el, {"amount", "currency"}, problems)
    amount_text = _attr(el, "amount", problems)
    amount = None
    if amount_text:
        try:
            amount = Decimal(amount_text)
            if not amount.is_finite() or amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.add("iso", f'iso:fee amount="{amount_text}" must be a number of đồng ≥ 0, '
                                'e.g. amount="100000"', el)
            amount = None
    return Fee(text_of(el), amount, _attr(el, "currency", problems) or "VND")


def _read_record(el: etree._Element, problems: Problems) -> RecordToKeep | None:
    _check_attrs(el, {"keeper", "retention"}, problems)
    keeper = _attr(el, "keeper", problems, required=True, example="Văn thư")
    retention = _attr(el, "retention", problems, required=True, example="05 năm")
    return RecordToKeep(text_of(el), keeper, retention)


# --- lanes and steps --------------------------------------------------------------------------


def read_role(el: etree._Element, problems: Problems) -> RoleInfo | None:
    _check_attrs(el, {"code", "unit"}, problems)
    _children(el, {}, problems)
    code = _attr(el, "code", problems, required=True, example="chuyen-vien")
    unit = _attr(el, "unit", problems)
    for name, value in (("code", code), ("unit", unit)):
        if value and not ROLE_CODE.match(value):
            problems.add("iso", f'iso:role {name}="{value}" must be lower-case letters, digits, '
                                '"-", "_" or "." (e.g. "chuyen-vien")', el)
            return None
    return RoleInfo(code, unit) if code else None


def read_step(el: etree._Element, problems: Problems) -> StepInfo:
    _check_attrs(el, set(), problems)
    parts = _children(el, {"allotment": False, "description": False, "form": True,
                           "result": True, "field": True}, problems)
    allotment = read_duration(parts["allotment"][0], problems) if parts["allotment"] else None
    forms = tuple(_read_ref(c, problems, code_required=True) for c in parts["form"])
    results = tuple(_read_ref(c, problems, code_required=False) for c in parts["result"])
    fields: list[Field] = []
    for child in parts["field"]:
        f = _read_field(child, problems)
        if f is None:
            continue
        if any(existing.name == f.name for existing in fields):
            problems.add("iso", f'iso:field name="{f.name}" is used twice in this step; '
                                "each field of a step needs its own name", child)
            continue
        fields.append(f)
    return StepInfo(allotment, _first_text(parts["description"]), forms, results, tuple(fields))


def _read_ref(el: etree._Element, problems: Problems, code_required: bool) -> DocumentRef:
    _check_attrs(el, {"code"}, problems)
    code = _attr(el, "code", problems, required=code_required, example="Mẫu 01")
    title = text_of(el)
    if not code and not title:
        problems.add("iso", f"iso:{local(el)} needs a code or a title", el)
    return DocumentRef(code, title)


def _read_field(el: etree._Element, problems: Problems) -> Field | None:
    _check_attrs(el, {"name", "type", "label", "labelEn", "required"}, problems)
    name = _attr(el, "name", problems, required=True, example="ho_so_day_du")
    if name and not FIELD_NAME.match(name):
        problems.add("iso", f'iso:field name="{name}" must start with a lower-case letter or "_" '
                            'and use only a-z, 0-9 and "_" (e.g. "so_giay_phep")', el)
        name = ""
    ftype = _choice(el, "type", problems, FieldType)
    label = _attr(el, "label", problems, required=True, example="Hồ sơ đầy đủ")
    parts = _children(el, {"choice": True}, problems)
    choices = []
    for child in parts["choice"]:
        _check_attrs(child, {"value", "label", "labelEn"}, problems)
        value = _attr(child, "value", problems, required=True, example="dat")
        if any(c.value == value for c in choices):
            problems.add("iso", f'iso:choice value="{value}" is used twice in field {name!r}', child)
            continue
        choices.append(Choice(value, _attr(child, "label", problems, required=True, example="Đạt"),
                              _attr(child, "labelEn", problems)))
    if ftype is FieldType.CHOICE and not choices:
        problems.add("iso", f'iso:field "{name}" has type="choice" but no iso:choice children; '
                            'add one per option, e.g. <iso:choice value="dat" label="Đạt"/>', el)
    if ftype is not None and ftype is not FieldType.CHOICE and choices:
        problems.add("iso", f'iso:field "{name}" has iso:choice children but type="{ftype.value}"; '
                            'use type="choice"', el)
    if not name or ftype is None:
        return None
    return Field(name, ftype, label, _attr(el, "labelEn", problems),
                 _bool(el, "required", problems, False), tuple(choices), el.sourceline)


def read_suppression(el: etree._Element, bpmn_id: str, problems: Problems) -> Suppression | None:
    _check_attrs(el, {"rule", "reason"}, problems)
    rule = _attr(el, "rule", problems, required=True, example="label-required")
    reason = _attr(el, "reason", problems, required=True, example="why this is fine here")
    if rule and not RULE_ID.match(rule):
        problems.add("iso", f'iso:suppress rule="{rule}" is not a rule id (kebab-case)', el)
        return None
    if not rule or not reason:
        return None
    return Suppression(rule, reason, bpmn_id, el.sourceline)

