"""The safe expression subset (isobpmn.model.expressions): what it accepts, what it refuses.

The escape corpus lists the classic ways out of a Python sandbox; every one must be refused,
as an expression and as a script. The accepted list is what real procedures write.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isobpmn.model.expressions import (
    MAX_CONSTANT,
    MAX_LENGTH,
    MAX_NODES,
    MAX_STRING,
    SAFE_FUNCTIONS,
    SAFE_KEYWORDS,
    TIMER_FUNCTIONS,
    check_expression,
    check_script,
    names_assigned,
    names_read,
)

ROOT = Path(__file__).resolve().parents[1]

ESCAPES = [
    # reaching object internals through attributes
    "().__class__.__bases__[0].__subclasses__()",
    "().__class__.__mro__[1].__subclasses__()[104].__init__.__globals__['sys']",
    "[].__class__.__base__.__subclasses__()",
    "x.__class__",
    "ho_so.day_du",
    "ho_so.lower()",
    "ket_qua.__dict__",
    "''.join",
    '"{0.__class__}".format(x)',
    '"{0.__class__.__mro__}".format(ho_so)',
    "'%s' % x.__class__",
    # imports and dangerous built-ins
    "__import__('os')",
    "__import__('os').system('id')",
    "import os",
    "from os import system",
    "getattr(x, '__class__')",
    "getattr",
    "setattr(x, 'a', 1)",
    "eval('1 + 1')",
    "exec('import os')",
    "compile('1', 'f', 'eval')",
    "open('/etc/passwd')",
    "open('/etc/passwd').read()",
    "type(x)",
    "type(x).__subclasses__",
    "type('A', (), {})",
    "globals()",
    "globals()['__builtins__']",
    "locals()",
    "vars()",
    "vars(x)",
    "dir(x)",
    "breakpoint()",
    "help()",
    "input()",
    "print(x)",
    "memoryview(b'x')",
    "object",
    "super()",
    "callable(x)",
    "sorted(x)",
    "map(str, x)",
    "range(10 ** 9)",
    # built-ins and whitelisted functions as values, smuggled through safe functions
    "max(xs, key=eval)",
    "min(xs, key=getattr)",
    "max(['__import__(\"os\")'], key=eval)",
    "sum(xs, start=eval)",
    "max(xs, default=open)",
    "len(**kwargs)",
    "len(*args)",
    "max(xs, key=len)",
    "x = eval",
    "y = [open]",
    "len = eval",
    "len = 3",
    "str = lambda v: v",
    "a, len = 1, eval",
    "if ho_so_day_du:\n    len = eval",
    "f = len",
    "working_days = 3",
    # dunder and private names
    "__builtins__",
    "__builtins__['eval']('1')",
    "__name__",
    "__file__",
    "__loader__",
    "__spec__",
    "__debug__",
    "_x",
    "_ + 1",
    "x = __import__",
    # calling what is not a name
    "x[0]()",
    "(lambda: 1)()",
    "f()()",
    "len(x)()",
    # lambdas, functions, classes
    "lambda: 1",
    "(lambda x: x)(1)",
    "def f():\n    pass",
    "class A:\n    pass",
    "async def f():\n    pass",
    "await x",
    "yield x",
    "(yield)",
    # loops and comprehension tricks
    "[c for c in ().__class__.__bases__]",
    "[x for x in range(3)]",
    "{x for x in y}",
    "{k: v for k, v in y}",
    "(x for x in y)",
    "any(x for x in y)",
    "[y := 1]",
    "(len := 3)",
    "for x in y:\n    pass",
    "while True:\n    pass",
    # f-strings, including format specs that run code
    "f'{x}'",
    "f'{x!r}'",
    "f'{x:{__import__(\"os\").system(\"id\")}}'",
    "f'{x.__class__}'",
    "f'{ {}.__class__ }'",
    # statements that have no place in a procedure
    "del x",
    "global x",
    "nonlocal x",
    "with open('f') as h:\n    pass",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "raise SystemExit",
    "assert False",
    "x: eval('1') = 2",
    "match x:\n    case _:\n        pass",
    # operators that make huge values in one step, or bit tricks
    "9 ** 9 ** 9",
    "2 ** 100000",
    "1 << 10000000",
    "x >> 2",
    "x & y",
    "x | y",
    "x ^ y",
    "~x",
    "a @ b",
    # huge constants and repetitions
    "10000000000000000",
    "1e300",
    "-10000000000000000",
    "'a' * 1000000000",
    "1000000000 * 'a'",
    "[0] * 1000000000",
    "('a' * 1000) * 1000",
    "'a' * 100000 + 'b'",
    "'%999999999d' % 1",
    "'%.999999999f' % 1",
    "'%*d' % (999999999, 1)",
    "b'%999999999d' % (1,)",
    "'" + "a" * (MAX_STRING + 1) + "'",
    "1" + "0" * 5000,
    # star unpacking
    "[*x]",
    "{**x}['a'] or x(*y)",
    "*a, b = x",
    # unicode look-alikes are normalised by Python: still refused
    "ｅｖａｌ('1')",
    "ｏｐｅｎ('f')",
    "＿＿import＿＿('os')",
    # not text: null bytes, only space
    "x\x00",
    "",
    "   \n\t ",
]

DEEP = [
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 4_999 + "x" + ")" * 4_999,
    "-" * 9_999 + "x",
    "not " * 2_400 + "x",
    "[" * 4_999 + "]" * 4_999,
    "x" + "+x" * 4_999,
    "x" + " == x" * 2_000,
    "a[" * 3_000 + "0" + "]" * 3_000,
    "x" * (MAX_LENGTH + 1),
    "a and " * 100_000 + "b",
    "1 + " * 1_000_000 + "1",
]

ACCEPTED = [
    "ho_so_day_du == False",
    'ket_qua_tham_dinh == "khong_dat"',
    "ket_qua_kiem_tra == 'bo_sung'",
    "len(thanh_phan) >= 2 and not qua_han",
    "so_ngay * 2 + 1",
    'x["a"] > 3',
    "y if z else w",
    "y_kien_xem_xet == \"tra_lai\" or phe_duyet == False",
    "loai_ho_so in ['khai_sinh', 'khai_tu'] and so_ban_sao <= 3",
    "le_phi is None or le_phi == 0",
    "ma_ho_so[:4] == 'HTKS'",
    "thanh_phan[0]['ten'] != ''",
    "-so_ngay_con_lai < 0",
    "so_ngay // 2 + so_ngay % 2",
    "so_tien / 1000 >= 75.5",
    "abs(chenh_lech) <= 1",
    "round(diem, 1) >= 5",
    "round(diem, ndigits=1) >= 5",
    "max(diem, default=0) > 8",
    "sum(phi, start=0) <= 150000",
    "int(ma, base=10) > 0",
    "min(a, b, c) == a",
    "any([qua_han, thieu_giay_to])",
    "all(da_ky)",
    "str(so_ban) + ' bản'",
    "lower(ket_qua) == 'dat'",
    "upper(strip(ma)) == 'QT-01'",
    "today() > han_bo_sung",
    "now() >= han_xu_ly",
    "float(so_tien) > 0.0 and bool(ho_so_day_du)",
    '{"dat": 1, "khong_dat": 0}[ket_qua]',
    "(1, 2) < (1, 3)",
    "{1, 2} == {2, 1}",
    "'-' * 20",
    "'%05d' % so_thu_tu",
    "'%(ma)s' % ho_so",
    "999999999999999",
    "True",
    "None",
    "(ket_qua_kiem_tra == 'tiep_nhan'\n and le_phi_da_nop == True)",
    "\n   ho_so_day_du == True\n   ",
]

ACCEPTED_SCRIPTS = [
    "ho_so_day_du = len(thanh_phan) >= 2 and not qua_han",
    "so_lan_bo_sung += 1",
    'ho_so["trang_thai"] = "da_tiep_nhan"',
    "if ho_so_day_du:\n    ket_qua = 'tiep_nhan'\nelif qua_han:\n    ket_qua = 'tu_choi'\n"
    "else:\n    ket_qua = 'bo_sung'",
    "le_phi = 75000 if loai_cong_trinh == 'nha_o' else 150000\nhan_tra = so_ngay * 2 + 1",
    "pass",
    "danh_sach = []\ntong = sum(phi)",
    "\nx = 1\n",
]


def _rejected(text: str, functions=None) -> bool:
    return bool(check_expression(text, functions)) and bool(check_script(text))


@pytest.mark.parametrize("text", ESCAPES, ids=lambda t: repr(t[:40]))
def test_escape_is_rejected(text):
    assert _rejected(text), text
    assert check_expression(text, functions=TIMER_FUNCTIONS), text


@pytest.mark.parametrize("text", DEEP, ids=lambda t: f"{t[:12]!r}…{len(t)}")
def test_deep_or_long_input_is_rejected_without_crashing(text):
    problems = check_expression(text) + check_script(text)
    assert problems and all(p.message for p in problems)
    assert isinstance(names_read(text), set) and names_assigned(text) == set()


@pytest.mark.parametrize("text", ACCEPTED)
def test_legitimate_expression_is_accepted(text):
    assert check_expression(text) == []


@pytest.mark.parametrize("text", ACCEPTED_SCRIPTS)
def test_legitimate_script_is_accepted(text):
    assert check_script(text) == []


@pytest.mark.parametrize("text", ["working_days(5)", "working_hours(4)", "calendar_days(30)",
                                  "working_days(so_ngay * 2 + 1)"])
def test_timer_helpers_only_with_timer_functions(text):
    assert check_expression(text, functions=TIMER_FUNCTIONS) == []
    assert check_expression(text), "a condition may not call a timer helper"
    assert check_script(f"han = {text}"), "nor may a script"


def test_every_problem_says_what_and_where():
    [problem] = check_expression("ho_so.day_du == True")
    assert "attribute access" in problem.message and 'a["b"]' in problem.message
    assert (problem.line, problem.column) == (1, 1)
    [problem] = check_expression("a == 1 or __x")
    assert "'__x'" in problem.message and problem.column == 11
    messages = [p.message for p in check_expression("max(xs, key=eval)")]
    assert any("key=" in m for m in messages) and any("'eval'" in m for m in messages)
    assert "cannot be assigned" in check_script("len = 3")[0].message
    assert "may only be called" in check_expression("len")[0].message
    assert "built-in" in check_expression("type == 'a'")[0].message
    assert "longer than" in check_expression("'a' * 1000000")[0].message
    assert "too large" in check_expression(str(MAX_CONSTANT * 10))[0].message
    assert "empty" in check_expression("  ")[0].message


def test_positions_count_in_the_text_as_given():
    """Leading blank lines and indentation (as in an XML element) are stripped before parsing;
    the line and column still point into the original text."""
    [problem] = check_expression("\n\n   ho_so.day_du")
    assert (problem.line, problem.column) == (3, 4)
    [problem] = check_expression("\n  (a and\n   b.c)")
    assert problem.line == 3
    [problem] = check_expression("\n\n  a ==")
    assert problem.line == 3 and problem.message.startswith("not a valid expression")
    [problem] = check_script("x = 1\n\ny = a.b")
    assert problem.line == 3


def test_an_indented_script_is_refused_as_the_engine_would():
    assert "indent" in check_script("\n    x = 1\n    y = 2\n")[0].message


def test_limits():
    assert check_expression("x" * MAX_LENGTH) == []
    assert "longer than" in check_expression("x" * (MAX_LENGTH + 1))[0].message
    wide = " + ".join(["x"] * (MAX_NODES // 2))
    assert "too large" in check_expression(wide)[0].message
    assert check_expression(str(MAX_CONSTANT)) == []
    assert check_expression("'" + "a" * (MAX_STRING - 2) + "'") == []
    assert check_expression("'-' * " + str(MAX_STRING)) == []
    assert check_expression("'-' * " + str(MAX_STRING + 1))


def test_names_read_and_assigned():
    assert names_read("len(thanh_phan) >= so_toi_thieu and not qua_han") == {
        "thanh_phan", "so_toi_thieu", "qua_han"}
    assert names_read("calendar_days(so_ngay_bo_sung * he_so)") == {"so_ngay_bo_sung", "he_so"}
    assert names_read("'P30D'") == set()
    assert names_read("x = y + 1\nz += x", mode="exec") == {"y", "x"}
    assert names_assigned("so_ngay = 30\nif a:\n    he_so = 2\nb += 1") == {"so_ngay", "he_so", "b"}
    assert names_assigned('ho_so["a"] = 1') == set()
    assert names_read("a ==") == set() and names_assigned("x = ") == set()


def test_keywords_and_functions_are_documented():
    text = (ROOT / "docs" / "expressions.md").read_text(encoding="utf-8")
    for name in [*SAFE_FUNCTIONS, *TIMER_FUNCTIONS]:
        assert re.search(rf"`{name}\(", text), f"{name} is allowed but not in docs/expressions.md"
    for description in [*SAFE_FUNCTIONS.values(), *TIMER_FUNCTIONS.values()]:
        assert description in text, f"docs/expressions.md does not say {description!r}"
    for keyword in SAFE_KEYWORDS:
        assert f"`{keyword}`" in text, f"keyword {keyword} is allowed but not documented"


_PIECES = st.sampled_from([
    "x", "y", "ho_so", "_", "__class__", ".", "(", ")", "[", "]", "{", "}", ",", ":", "=", "==",
    " ", "\n", "+", "*", "**", "'a'", "1", "10000000000000000", "len", "eval", "open", "lambda",
    "for", "in", "if", "else", "not", "and", "key", "max", "working_days", "f'", "'", "%", "@",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_fuzz_never_raises_and_accepts_only_the_subset(text):
    for problems in (check_expression(text), check_script(text),
                     check_expression(text, functions=TIMER_FUNCTIONS)):
        assert isinstance(problems, list)
    if check_expression(text) == []:
        tree = ast.parse(text.strip(), mode="eval")
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Attribute | ast.Lambda | ast.comprehension)
            if isinstance(node, ast.Name):
                assert not node.id.startswith("_") and node.id not in ("eval", "open")
            if isinstance(node, ast.Call):
                assert isinstance(node.func, ast.Name) and node.func.id in SAFE_FUNCTIONS
                assert all(k.arg in SAFE_KEYWORDS for k in node.keywords)
