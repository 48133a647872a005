"""The safe evaluator (isobpmn.engine.evaluator): what it computes, what it never runs.

Legitimate expressions give what Python gives; the escape corpus of test_expressions is
refused before anything runs (with eval, exec, open and imports watched); the runtime limits
turn "a" * n with n from the case data into an error, not a memory blow-up.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import time
import tracemalloc
from datetime import datetime

import pytest
from test_expressions import ACCEPTED, ACCEPTED_SCRIPTS, ESCAPES

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import Evaluator, ExpressionError, FixedClock, LimitExceeded
from isobpmn.engine.functions import SAFE, TIMER
from isobpmn.engine.limits import MAX_ITEMS, MAX_STORED
from isobpmn.model.expressions import SAFE_FUNCTIONS, TIMER_FUNCTIONS

NOW = datetime(2026, 2, 13, 10, 0)  # Friday before Tết Bính Ngọ
EVALUATOR = Evaluator(FixedClock(NOW).now, WorkingCalendar())

DATA = {
    "ho_so_day_du": False, "ket_qua_tham_dinh": "khong_dat", "ket_qua_kiem_tra": "bo_sung",
    "thanh_phan": [{"ten": "Tờ khai"}, {"ten": "Giấy chứng sinh"}], "qua_han": False,
    "so_ngay": 7, "x": {"a": 5}, "y": 1, "z": True, "w": 2, "y_kien_xem_xet": "tra_lai",
    "phe_duyet": True, "loai_ho_so": "khai_sinh", "so_ban_sao": 2, "le_phi": None,
    "ma_ho_so": "HTKS-001", "so_ngay_con_lai": 3, "so_tien": 150000, "chenh_lech": -0.5,
    "diem": 7.25, "phi": [50000, 25000], "ma": " qt-01 ", "a": 1, "b": 2, "c": 0,
    "thieu_giay_to": True, "da_ky": [True, True], "so_ban": 3, "ket_qua": "DAT",
    "han_bo_sung": "2026-02-01", "han_xu_ly": "2026-02-13T09:00:00+07:00", "so_thu_tu": 42,
    "ho_so": {"ma": "HTKS"}, "loai_cong_trinh": "nha_o", "le_phi_da_nop": True,
}
PYTHON = {"lower": str.lower, "upper": str.upper, "strip": str.strip,
          "today": lambda: "2026-02-13", "now": lambda: "2026-02-13T10:00:00+07:00"}


def _python(text: str, data: dict):
    """What Python itself gives (test-only, on the known-good expressions above)."""
    return eval(text.strip(), {**PYTHON, **data})  # noqa: S307 - trusted test constants


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_expression_gives_what_python_gives(text):
    try:
        expected = _python(text, dict(DATA))
    except (TypeError, KeyError, ValueError):
        with pytest.raises(ExpressionError):
            EVALUATOR.evaluate(text, DATA)
        return
    assert EVALUATOR.evaluate(text, DATA) == expected


@pytest.mark.parametrize("text, expected", [
    ("ho_so_day_du == False", True),
    ('ket_qua_tham_dinh == "khong_dat"', True),
    ("len(thanh_phan) >= 2 and not qua_han", True),
    ("so_ngay * 2 + 1 > 10", True),
    ("thanh_phan[-1]['ten']", "Giấy chứng sinh"),
    ("ma_ho_so[:4] + '/' + str(so_ngay)", "HTKS/7"),
    ("75000 if loai_cong_trinh == 'nha_o' else 150000", 75000),
    ("min(phi) + max(3, 9) + sum(phi, start=1)", 25000 + 9 + 75001),
    ("round(10 / 4, ndigits=1) + abs(-2) + int('12', base=10) + float('0.5')", 17.0),
    ("upper(strip(ma)) == 'QT-01' and lower(ket_qua) == 'dat'", True),
    ("today() > han_bo_sung and now() >= han_xu_ly", True),
    ("any([qua_han, z]) and all(da_ky) and bool(so_ban)", True),
    ("{'dat': 1}['dat'] + len({1, 2}) + len((1, 2, 3))", 6),
    ("le_phi is None and y is not None", True),
    ("'%05d' % so_thu_tu", "00042"),
    ("so_ngay // 2 + so_ngay % 2 - 7 / 2", 0.5),
    ("'khai' in loai_ho_so and 3 not in phi", True),
    ("1 < y + 1 < 3", True),
    ("(so_ngay or 0) and (None or 'x')", "x"),
])
def test_values(text, expected):
    assert EVALUATOR.evaluate(text, DATA) == expected


def test_a_field_named_like_a_function_never_hides_it():
    data = {"len": 99, "max": "not a function", "x": [1, 2]}
    assert EVALUATOR.evaluate("len(x) == 2 and max(x) == 2", data) is True
    for text in ("len", "len + 1", "x if len else 0"):
        with pytest.raises(ExpressionError, match="may only be called"):
            EVALUATOR.evaluate(text, data)
    with pytest.raises(ExpressionError, match="cannot be assigned"):
        EVALUATOR.execute("len = 3", data)


def test_the_functions_are_the_checkers_list():
    assert set(SAFE) == set(SAFE_FUNCTIONS)
    assert set(TIMER) == set(TIMER_FUNCTIONS)


@pytest.mark.parametrize("text", ACCEPTED_SCRIPTS)
def test_accepted_script_runs(text):
    data = {**DATA, "so_lan_bo_sung": 0}
    EVALUATOR.execute(text, data)


def test_script_assignments_and_branches():
    data = {"thanh_phan": ["a", "b"], "qua_han": False, "so_lan_bo_sung": 1,
            "ho_so": {"trang_thai": "moi"}, "loai_cong_trinh": "nha_o", "so_ngay": 3}
    EVALUATOR.execute(
        "ho_so_day_du = len(thanh_phan) >= 2 and not qua_han\n"
        "if not ho_so_day_du:\n    ket_qua = 'bo_sung'\nelif qua_han:\n    pass\n"
        "else:\n    ket_qua = 'tiep_nhan'\n    so_lan_bo_sung += 1\n"
        "ho_so['trang_thai'] = ket_qua\nho_so['so'] = [1, 2]\nho_so['so'][0] += 10\n"
        "le_phi = 75000 if loai_cong_trinh == 'nha_o' else 150000\n"
        "cap = (1, 2)\nnhom = {'a'}\nhan_tra = so_ngay * 2 + 1", data)
    assert data["ket_qua"] == "tiep_nhan" and data["so_lan_bo_sung"] == 2
    assert data["ho_so"] == {"trang_thai": "tiep_nhan", "so": [11, 2]}
    assert (data["le_phi"], data["han_tra"]) == (75000, 7)
    assert data["cap"] == [1, 2] and data["nhom"] == ["a"]  # kept JSON-like


@pytest.mark.parametrize("text, data, message", [
    ("y", {}, "'y' has no value"),
    ("x['b']", {"x": {"a": 1}}, "no key 'b'"),
    ("x[5]", {"x": [1]}, "past the end"),
    ("x + 1", {"x": "a"}, "cannot add text and a number"),
    ("x < 1", {"x": "a"}, "cannot compare text with a number"),
    ("1 / x", {"x": 0}, "division by zero"),
    ("lower(x)", {"x": 1}, "lower() needs text"),
    ("len(x)", {"x": 1}, "len() needs text or a list"),
    ("max([])", {}, "empty list"),
    ("round(x, 99)", {"x": 1.5}, "digits"),
    ("int(x)", {"x": "abc"}, "cannot read"),
])
def test_errors_say_what_is_wrong(text, data, message):
    with pytest.raises(ExpressionError, match=re.escape(message)) as info:
        EVALUATOR.evaluate(text, data, element_id="Gw_X")
    assert info.value.element_id == "Gw_X" and info.value.expression == text


# -- the escape corpus never runs -----------------------------------------------------------


class Watch:
    """Records every call of the built-ins an escape would reach for, while switched on."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.on = False

    def run(self, function, *args):
        """``function(*args)`` watched; returns the ExpressionError it must raise."""
        self.on = True
        try:
            function(*args)
        except ExpressionError as exc:
            return exc
        finally:
            self.on = False
        raise AssertionError("no ExpressionError")


@pytest.fixture
def watched(monkeypatch):
    watch = Watch()
    for name in ("eval", "exec", "open", "print", "input", "breakpoint", "globals", "locals",
                 "vars", "__import__", "getattr", "setattr"):
        original = getattr(builtins, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            if watch.on and _name == "__import__" and args[0] in ("collections", "unicodedata"):
                pass  # the parser normalises look-alike letters; ast.walk imports deque
            elif watch.on and _name == "__import__":
                watch.calls.append(f"__import__({args[0]})")
            elif watch.on and _name not in ("getattr", "setattr"):
                watch.calls.append(_name)
            elif watch.on and args and isinstance(args[1], str) and args[1].startswith("__"):
                watch.calls.append(f"{_name}({args[1]})")  # the checker reads only ast fields
            return _original(*args, **kwargs)
        monkeypatch.setattr(builtins, name, spy)
    original_compile = builtins.compile

    def compile_spy(source, filename, mode, flags=0, *args, **kwargs):
        if watch.on and not flags & ast.PyCF_ONLY_AST:  # ast.parse only builds a tree
            watch.calls.append("compile")
        return original_compile(source, filename, mode, flags, *args, **kwargs)
    monkeypatch.setattr(builtins, "compile", compile_spy)
    monkeypatch.setattr(os, "system", lambda *a: watch.calls.append("os.system"))
    return watch


ESCAPE_DATA = {"x": {"a": 1}, "y": [1], "xs": [1, 2], "ho_so": {"day_du": True},
               "ket_qua": "dat", "args": [1], "kwargs": {"a": 1}, "a": [1], "b": [2],
               "ho_so_day_du": True}


@pytest.mark.parametrize("text", ESCAPES, ids=lambda t: repr(t[:40]))
def test_escape_never_runs(text, watched, tmp_path):
    for run in (EVALUATOR.evaluate, EVALUATOR.evaluate_timer, EVALUATOR.execute):
        data = dict(ESCAPE_DATA)
        watched.run(run, text, data)
        assert data == ESCAPE_DATA, "an escape changed the case data"
    assert watched.calls == []


def test_a_file_writing_escape_writes_nothing(watched, tmp_path):
    canary = tmp_path / "canary"
    for text in (f"__import__('os').system('touch {canary}')",
                 f"open('{canary}', 'w')",
                 "().__class__.__base__.__subclasses__()"):
        watched.run(EVALUATOR.execute, text, {})
    assert not canary.exists() and watched.calls == []


# -- runtime limits -------------------------------------------------------------------------


BIG = [[0] * 10_000] * 10_000  # 10^8 items written out, a few kB in memory (shared rows)


@pytest.mark.parametrize("text, data", [
    ('"a" * n', {"n": 10**9}),
    ("n * 'ab'", {"n": 10**9}),
    ("[0] * n", {"n": 10**9}),
    ("s + s", {"s": "x" * 6000}),
    ("fmt % 1", {"fmt": "%999999999d"}),
    ("fmt % 1.0", {"fmt": "%.999999999f"}),
    ("fmt % (1, 2)", {"fmt": "%*d"}),
    ("str(big)", {"big": BIG}),
    ("'%s' % (big,)", {"big": BIG}),
    ("n * n", {"n": 10**15}),
    ("float(t)", {"t": "1e400"}),
    ("int(t)", {"t": "9" * 5000}),
])
def test_runtime_limits_stop_before_memory_blows_up(text, data):
    tracemalloc.start()
    try:
        with pytest.raises(ExpressionError):
            EVALUATOR.evaluate(text, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"{peak:,} bytes used"


@pytest.mark.parametrize("text, data", [
    (" + ".join(["sum(items)"] * 30), {"items": list(range(10_000))}),
    ("big == other", {"big": BIG, "other": [[0] * 10_000] * 10_000}),
    ("x in big", {"big": BIG, "x": [1]}),
    ("sum(rows, start=[])", {"rows": BIG}),
    ("max(big)", {"big": BIG}),
])
def test_the_step_budget_stops_long_evaluations(text, data):
    started = time.perf_counter()
    with pytest.raises(LimitExceeded, match="steps"):
        EVALUATOR.evaluate(text, data)
    assert time.perf_counter() - started < 2


def test_limit_errors_are_limit_exceeded():
    with pytest.raises(LimitExceeded, match="1,000,000,000 times"):
        EVALUATOR.evaluate('"a" * n', {"n": 10**9})
    assert len(EVALUATOR.evaluate('"a" * n', {"n": MAX_ITEMS})) == MAX_ITEMS


def test_a_script_cannot_store_a_value_too_large_for_the_case():
    data = {"chunk": "x" * 9_000}
    with pytest.raises(LimitExceeded, match="'big' is too large"):
        EVALUATOR.execute("big = [chunk] * 20", data)
    EVALUATOR.execute("ok = [chunk] * 5", data)
    assert len(data["ok"]) == 5 and MAX_STORED > 45_000


@pytest.mark.parametrize("text", [
    "x = {'typename': 'BpmnWorkflow'}",
    "x = {1: 'a'}",
    "x = {}\nx['typename'] = 1",
])
def test_a_script_stores_only_what_the_case_can_keep(text):
    with pytest.raises(ExpressionError):
        EVALUATOR.execute(text, {})


def test_deep_nesting_is_refused():
    with pytest.raises(ExpressionError, match="nested"):
        EVALUATOR.evaluate("-" * 150 + "x", {"x": 1})
    assert EVALUATOR.evaluate("-" * 50 + "x", {"x": 1}) == 1


# -- timers ---------------------------------------------------------------------------------


def test_working_time_helpers_count_across_tet_2026():
    """Friday 13/02/2026 10:00; 16–20/02 are Tết holidays (docs/calendar.md)."""
    tz = EVALUATOR.calendar.tz
    assert EVALUATOR.evaluate_timer("working_days(2)", {}) == datetime(2026, 2, 24, 10, tzinfo=tz)
    assert EVALUATOR.evaluate_timer("working_days(n - 1)", {"n": 2}) == \
        datetime(2026, 2, 23, 10, tzinfo=tz)
    assert EVALUATOR.evaluate_timer("working_hours(9)", {}) == datetime(2026, 2, 23, 11, tzinfo=tz)
    assert EVALUATOR.evaluate_timer("calendar_days(4)", {}) == datetime(2026, 2, 23, 17, tzinfo=tz)


def test_timer_helpers_only_in_timers():
    with pytest.raises(ExpressionError, match="working_days"):
        EVALUATOR.evaluate("working_days(2)", {})
    with pytest.raises(ExpressionError, match="at least 0"):
        EVALUATOR.evaluate_timer("working_days(n)", {"n": -1})
    with pytest.raises(ExpressionError, match="needs a number"):
        EVALUATOR.evaluate_timer("working_days(n)", {"n": "2"})
    without = Evaluator(FixedClock(NOW).now)
    with pytest.raises(ExpressionError, match="working calendar"):
        without.evaluate_timer("working_days(1)", {})
