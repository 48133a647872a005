"""The evaluator's escape corpus: every text below is an attempt to get out of the safe subset
(docs/expressions.md) or to make one evaluation run for ever or exhaust memory.

Each is run as a condition, as a timer and as a script, over case data that makes the runtime
attacks bite. Each must end in the evaluator's own :class:`ExpressionError` (or its
:class:`LimitExceeded`), quickly, with bounded memory, without calling any of the built-ins an
escape reaches for and without changing the case data. The corpus extends the checker's list
(``ESCAPES`` of test_expressions) and repeats none of it.
"""

from __future__ import annotations

import builtins
import os
import signal
import subprocess
import time
import tracemalloc
from contextlib import contextmanager
from datetime import datetime

import pytest
from test_expressions import ESCAPES

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import Evaluator, ExpressionError, FixedClock

NOW = datetime(2026, 2, 13, 10, 0)
EVALUATOR = Evaluator(FixedClock(NOW).now, WorkingCalendar())
EVALUATOR.evaluate_timer("working_days(1)", {})  # loads the holidays before the wires are armed
#: Longest one evaluation of the corpus may take: they take milliseconds, the step budget
#: stops the slowest in under half a second; generous for a loaded machine.
SECONDS = 5.0
#: A runaway evaluation is interrupted after this long, so a failure cannot hang the run.
ALARM = 10.0
#: Most memory one evaluation may allocate, in bytes (Python objects, traced).
PEAK_BYTES = 5_000_000

BIG_TEXT = "x" * 9_999
WIDE_TEXT = "\U0001d400" * 9_999  # four bytes a character in a Python string
DATA = {
    "x": {"a": 1}, "xs": [1, 2], "s": "ab", "n": 10**15, "i": 3, "f": 1.5,
    "big": BIG_TEXT, "wide": WIDE_TEXT, "rows": [[0] * 10_000] * 10_000,
    "ho_so": {"ma": "HTKS", "__class__": "x"}, "fmt": "%(a)s" * 2_000, "cells": [BIG_TEXT] * 9,
}

ATTRIBUTES = [
    "(1).__class__.__mro__[-1].__subclasses__()",
    "''.__class__.__base__.__subclasses__()[0]",
    "{}.__class__.__subclasses__()",
    "True.__class__.__bases__[0].__subclasses__()",
    "None.__class__",
    "xs.__len__()",
    "xs.append(1)",
    "x.keys()",
    "x.get('a')",
    "s.upper()",
    "s.format(x)",
    "'{}'.format(x)",
    "'{0[a]}'.format(x)",
    "'{0.__init__.__globals__}'.format(xs)",
    "'{x.__class__}'.format_map({'x': 1})",
    "'%(a)s'.__mod__(x)",
    "len.__self__",
    "len.__module__",
    "max.__call__(xs)",
    "today.__globals__",
    "str.__dict__",
    "int.__subclasses__()",
    "xs[0].__class__",
    "x['a'].real",
    "1 .__class__",
    "(x if x else xs).__class__",
    "f.hex()",
    "s.encode()",
    "ho_so.__class__",
    "(lower)(s).__class__",
]

BUILTINS = [
    "__import__('subprocess').run(['id'])",
    "__builtins__.__dict__['eval']",
    "__build_class__",
    "__loader__.load_module('os')",
    "getattr(len, '__self__')",
    "hasattr(x, 'a')",
    "delattr(x, 'a')",
    "isinstance(x, int)",
    "issubclass(int, object)",
    "id(x)",
    "hash(x)",
    "iter(xs)",
    "next(iter(xs))",
    "reversed(xs)",
    "enumerate(xs)",
    "zip(xs, xs)",
    "filter(None, xs)",
    "chr(95) + chr(95)",
    "ord('a')",
    "repr(x)",
    "ascii(x)",
    "format(x, 'd')",
    "bytes(10)",
    "bytearray(10)",
    "bytes.fromhex('5f5f')",
    "classmethod(len)",
    "staticmethod(len)",
    "property()",
    "exit()",
    "quit()",
    "copyright",
    "license()",
    "credits",
    "object.__subclasses__()",
    "slice(1)",
    "frozenset(xs)",
    "set(xs)",
    "list(xs)",
    "dict(a=1)",
    "tuple(xs)",
    "complex(1, 2)",
    "divmod(1, 2)",
    "pow(2, 100000)",
    "pow(2, 10, 7)",
    "hex(1)",
    "bin(1)",
    "aiter(xs)",
    "Exception",
    "BaseException.__subclasses__()",
    "NotImplemented",
    "Ellipsis",
    "...",
    "1j",
    "b'abc'",
    "b'abc' + b'd'",
    "memoryview",
    "min(xs, key=lambda v: v)",
    "max(xs, key=str)",
    "sum(xs, start=len)",
    "round(f, ndigits=eval)",
    "int(s, base=len)",
    "max(xs, default=__import__)",
    "len(xs, x=1)",
    "len(**{'a': 1})",
    "'__import__'('os')",
    "'\\x5f\\x5fimport\\x5f\\x5f'('os')",
    "[len][0](xs)",
    "{'f': len}['f'](xs)",
    "(len if xs else max)(xs)",
]

CODE = [
    "(lambda: (yield))().gi_frame",
    "(v for v in xs).gi_frame.f_back.f_globals",
    "[v for v in xs if v.__class__]",
    "{v: v for v in xs}",
    "[(yield) for v in xs]",
    "sum(v for v in xs)",
    "all(v for v in range(10 ** 9))",
    "max((lambda: 1)(), 2)",
    "lambda *a, **k: a",
    "(lambda g: g(g))(lambda g: g(g))",
    "[[] for _ in xs]",
    "f'{f!s:>{10 ** 9}}'",
    "f'{len}'",
    "f'''{ {f}.__class__ }'''",
    "rf'{f}'",
    "(y := __import__)",
    "[z := 1, z]",
    "y := 1",
    "import builtins",
    "from builtins import *",
    "y = 1; import os",
    "if True:\n    import os",
    "if f:\n    pass\nelse:\n    del xs",
    "y = 1\nwhile y:\n    y = y",
    "async with f:\n    pass",
    "y = yield",
    "y = 1\ndef g():\n    pass",
    "__builtins__ = {}",
    "_ = 1",
    "x.y = 1",
    "xs[0].y = 1",
    "(p, q) = (1, 2)",
    "[p, q] = xs",
    "y: int = 1",
    "p = q = eval",
    "xs @= xs",
    "i **= 2",
    "i <<= 2",
    "type X = int",
    "print(f) if f else None",
    "y = 1 if True else __import__('os')",
    "if __debug__:\n    pass",
    "global __builtins__",
    "xs[0] = open",
    "x['k'] = lambda: 1",
    "try:\n    pass\nfinally:\n    pass",
]

#: Values too large to build: refused before they are, within :data:`PEAK_BYTES` (traced).
SIZE = [
    "'ab' * 5001",
    "str([[0] * 10000] * 10000)",
    "9 ** 99",
    "2 << 64",
    "'%s' % (big,) * 2",
    "'%9999s%9999s' % (1, 2)",
    "fmt % {'a': big}",
    "('%(a)s' * 2000) % {'a': wide}",
    "('%9999d' * 1666) % ((1,) * 1666)",
    "('%.9999f' * 1000) % ((1.5,) * 1000)",
    "'-' * 10000 + 'x'",
    "sum(xs, start=[]) * n",
    "int('9' * 65)",
    "float('1' * 65)",
    "round(1e15, 16)",
    "xs * 10000",
    "s * n",
    "big + big",
    "big[::-1] + big",
    "str(rows[0]) + str(rows[1])",
    "'%s' % (rows,)",
    "y = [1]\ny[0] = y",
    "y = {}\ny['a'] = y",
    "y = 'ab'\n" + "y = y + y\n" * 20,
    "y = [1, 2]\n" + "y += y\n" * 20,
    "y = [[1] * 9000]\n" + "y = [y, y]\n" * 60,
    "'%c' % 1114112",
    "'%c' % -1",
    "'%*s' % (10 ** 9, 'a')",
    "int('z' * 60, base=36)",
    "float('1e400')",
    "1e15 / 1e-15",
    "n * n",
    "-n - n",
    "calendar_days(3001)",
    "working_days(n)",
]

#: Nesting, length and long walks: refused by the checker's limits or the step budget.
STEPS = [
    "not " * 120 + "f",
    "(" * 201 + "1" + ")" * 201,
    "[" * 150 + "]" * 150,
    "xs" + "[0]" * 150,
    "1 if f else " * 150 + "1",
    "f + " * 3000 + "f",
    "len(" * 120 + "xs" + ")" * 120,
    "{'a': " * 120 + "1" + "}" * 120,
    "f or " * 2001 + "f",
    "cells == [big] * 9 and rows == rows[:]",
    "max(rows)",
    "sum(rows, start=[])",
    "rows[0] in rows",
    "y = [1]\ny[0] = y\nz = y == [y]",
    "y = [xs] * 9999\nz = [y] * 9999\nw = z == [y] * 9999",
    "working_days(working_days(1))",
    "working_hours(-1)",
    "'%(a)s' % xs",
    "xs[::0]",
    "s['__class__']",
    "x['__class__']",
    "int('1', base=1)",
    "f // 0.0",
    "i % 0",
]

UNICODE = [
    "ｇｅｔａｔｔｒ(x, 'a')",
    "ℯ𝓍ℯ𝒸('1')",
    "𝕠𝕡𝕖𝕟('/etc/passwd')",
    "ᵉᵛᵃˡ('1')",
    "x.__ｃｌａｓｓ__",
    "_﹍import_﹍('os')",
    "\u0435val('1')",
    "x\u2028or 1",
    "x\u202e == 1",
    "\ufeffeval('1')",
    "le\u200dn(xs)",
    "ｌｅｎ = eval",
    "𝚐𝚕𝚘𝚋𝚊𝚕𝚜()",
    "ｔｙｐｅ(x)",
]

#: category → texts
CORPUS: dict[str, list[str]] = {"attribute": ATTRIBUTES, "builtin": BUILTINS, "code": CODE,
                                "size": SIZE, "steps": STEPS, "unicode": UNICODE}
CASES = [(category, text) for category, texts in CORPUS.items() for text in texts]
WATCHED = ("eval", "exec", "open", "print", "input", "breakpoint", "globals", "locals", "vars",
           "exit", "quit", "help", "delattr", "setattr", "memoryview", "bytearray")


class Escaped(Exception):
    """A watched built-in was reached, or an evaluation ran past :data:`ALARM`."""


@contextmanager
def bounded(seconds: float):
    """Interrupt the body after ``seconds`` (a runaway evaluation fails instead of hanging)."""
    def expired(signum, frame):
        raise Escaped(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Tripwires:
    """Every built-in an escape would reach for, wired to raise :class:`Escaped` while
    :attr:`armed`; ``os.system`` and ``subprocess.run`` too, and imports of anything but what
    the parser, the calendar and the evaluator themselves load."""

    ALLOWED = frozenset({"collections", "unicodedata", "encodings", "isobpmn", "zoneinfo",
                         "decimal", "datetime", "ast", "re", "_strptime", "holidays",
                         "calendar"})

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.armed = False

    def wire(self, name: str, original):
        def tripped(*args, **kwargs):
            if self.armed and (name != "__import__"
                               or args[0].partition(".")[0] not in self.ALLOWED):
                self.calls.append(name if name != "__import__" else f"import {args[0]}")
                raise Escaped(self.calls[-1])
            return original(*args, **kwargs)
        return tripped


@pytest.fixture
def tripwires(monkeypatch):
    wires = Tripwires()
    for name in (*WATCHED, "__import__"):
        monkeypatch.setattr(builtins, name, wires.wire(name, getattr(builtins, name)))
    monkeypatch.setattr(os, "system", wires.wire("os.system", os.system))
    monkeypatch.setattr(subprocess, "run", wires.wire("subprocess.run", subprocess.run))
    return wires


def _copy(data: dict) -> dict:
    return {key: (dict(value) if isinstance(value, dict) else list(value)
                  if isinstance(value, list) else value) for key, value in data.items()}


def _attempt(run, text: str, wires: Tripwires | None = None, *, traced: bool = False
             ) -> tuple[BaseException | None, float, int, dict]:
    """Run ``text`` once: what it raised, how long it took, the data after and, when
    ``traced``, the peak of the memory it allocated (tracing slows it down: timed apart)."""
    data = _copy(DATA)
    if traced:
        tracemalloc.start()
    if wires is not None:
        wires.armed = True
    started = time.perf_counter()
    outcome: BaseException | None = None
    try:
        with bounded(ALARM):
            result = run(text, data)
        outcome = None if result is None else AssertionError(f"gave {result!r:.80}")
        if run is not EVALUATOR.execute:
            outcome = outcome or AssertionError("gave None")
    except ExpressionError as exc:
        outcome = exc
    except BaseException as exc:  # noqa: BLE001 - anything else is an escape
        outcome = AssertionError(f"{type(exc).__name__}: {exc}")
    finally:
        elapsed = time.perf_counter() - started
        if wires is not None:
            wires.armed = False
        peak = 0
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    return outcome, elapsed, peak, data


def test_the_corpus_is_new_and_large():
    texts = [text for _, text in CASES]
    assert len(texts) >= 100
    assert len(set(texts)) == len(texts), "a text appears twice"
    assert not set(texts) & set(ESCAPES), "already in test_expressions.ESCAPES"


@pytest.mark.parametrize("category, text", CASES, ids=[f"{c}-{i}" for i, (c, _) in
                                                       enumerate(CASES)])
def test_no_escape(category, text, tripwires):
    for run in (EVALUATOR.evaluate, EVALUATOR.evaluate_timer, EVALUATOR.execute):
        mode = run.__name__
        outcome, elapsed, _, data = _attempt(run, text, tripwires)
        assert isinstance(outcome, ExpressionError), f"{mode}: {text!r:.80} → {outcome}"
        assert outcome.message and "Traceback" not in str(outcome)
        assert elapsed < SECONDS, f"{mode}: {text!r:.80} took {elapsed:.2f} s"
        if mode != "execute":  # a script may have assigned before it failed
            assert data == DATA, f"{mode}: {text!r:.80} changed the case data"
        if category == "size":
            outcome, _, peak, _ = _attempt(run, text, tripwires, traced=True)
            assert isinstance(outcome, ExpressionError)
            assert peak < PEAK_BYTES, f"{mode}: {text!r:.80} allocated {peak:,} bytes"
    assert tripwires.calls == [], f"{text!r:.80} reached {tripwires.calls}"


def test_the_corpus_figures(capsys):
    """How the corpus ends: the count per category and the slowest case, for the record."""
    slowest = (0.0, "")
    refused: dict[str, int] = dict.fromkeys(CORPUS, 0)
    for category, text in CASES:
        outcome, elapsed, _, _ = _attempt(EVALUATOR.evaluate, text)
        refused[category] += isinstance(outcome, ExpressionError)
        slowest = max(slowest, (elapsed, text))
    with capsys.disabled():
        print(f"\nexpression corpus: {len(CASES)} texts × 3 modes, refused as conditions "
              f"{sum(refused.values())} ({refused}), escapes "
              f"{len(CASES) - sum(refused.values())}, slowest {slowest[0] * 1000:.0f} ms "
              f"({slowest[1][:40]!r})")
    assert sum(refused.values()) == len(CASES)
