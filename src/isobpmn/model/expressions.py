"""The safe expression subset: what a diagram's conditions, scripts and timers may say.

Diagrams are untrusted input, and their expressions run on the server. They are Python-like,
but only a small documented subset is accepted (docs/expressions.md): literals, names,
comparisons, boolean and arithmetic operators, subscripts, conditional expressions, calls of
whitelisted functions, and in scripts plain assignments and ``if``. No imports, no attribute
access, no names starting with ``_``, no Python built-in names other than the whitelisted
functions (which may only be called, never passed around or reassigned), no keyword arguments
that could smuggle a callable in (``max(xs, key=eval)``), no lambdas, loops or comprehensions,
no ``**``, and no literal text or list repeated or ``%``-padded beyond :data:`MAX_STRING`.

This module only *checks* (stdlib ``ast``); the engine's evaluator runs what passes, with its
own runtime limits. The validator and the engine share this one checker.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass

#: Functions a condition or script may call. Values are one-line descriptions (for the docs).
SAFE_FUNCTIONS = {
    "len": "number of items", "min": "smallest value", "max": "largest value",
    "abs": "absolute value", "round": "round a number", "int": "to a whole number",
    "float": "to a number", "str": "to text", "bool": "to true/false", "sum": "sum of items",
    "any": "some item is true", "all": "every item is true",
    "lower": "text in lower case", "upper": "text in upper case", "strip": "text without spaces around it",
    "today": "today's date (Asia/Ho_Chi_Minh)", "now": "the current moment (the engine clock)",
}
#: Calendar helpers a timer expression may call: they return working-time durations or moments.
TIMER_FUNCTIONS = {
    "working_days": "N working days from now, in the agency's working time",
    "working_hours": "N working hours from now, in the agency's working time",
    "calendar_days": "N calendar days from now (Civil Code: to the end of the last day)",
}

MAX_LENGTH = 10_000
MAX_NODES = 2_000
MAX_CONSTANT = 10**15
MAX_STRING = 10_000
#: Keyword arguments a whitelisted function may take: none of them is ever called.
SAFE_KEYWORDS = frozenset({"default", "ndigits", "start", "base"})
#: Every function an expression may call somewhere: never a variable, never given a value.
_FUNCTION_NAMES = frozenset(SAFE_FUNCTIONS) | frozenset(TIMER_FUNCTIONS)
#: Python built-ins: a name that is not set in the case data would resolve to one of them.
_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_")) - {
    "True", "False", "None"} - _FUNCTION_NAMES
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")

_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.And, ast.Or,
              ast.Not, ast.USub, ast.UAdd, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
              ast.In, ast.NotIn, ast.Is, ast.IsNot)
_EXPRESSION_NODES = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BoolOp, ast.UnaryOp,
                     ast.BinOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice, ast.List,
                     ast.Tuple, ast.Dict, ast.Set, ast.Call, ast.keyword, *_OPERATORS)
_SCRIPT_NODES = (ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Expr, ast.Pass, ast.Store)

_EXPLAIN = {
    ast.Attribute: "attribute access (a.b) is not allowed; use a subscript: a[\"b\"]",
    ast.Import: "imports are not allowed", ast.ImportFrom: "imports are not allowed",
    ast.Lambda: "lambda is not allowed", ast.For: "loops are not allowed",
    ast.While: "loops are not allowed", ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed", ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed", ast.Pow: "** is not allowed",
    ast.FunctionDef: "defining functions is not allowed", ast.ClassDef: "classes are not allowed",
    ast.With: "with is not allowed", ast.Try: "try is not allowed", ast.Raise: "raise is not allowed",
    ast.Global: "global is not allowed", ast.Nonlocal: "nonlocal is not allowed",
    ast.Delete: "del is not allowed", ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed", ast.NamedExpr: ":= is not allowed",
    ast.JoinedStr: "f-strings are not allowed", ast.Starred: "* unpacking is not allowed",
}


@dataclass(frozen=True, slots=True)
class ExpressionProblem:
    message: str
    line: int | None = None  # line inside the expression text, 1-based
    column: int | None = None


def check_expression(text: str, functions: frozenset[str] | set[str] | None = None
                     ) -> list[ExpressionProblem]:
    """Problems of a condition or timer expression (one expression, no statements)."""
    tree, problems = _parse(text, "eval")
    if tree is None:
        return problems
    return _check(tree, _EXPRESSION_NODES, set(SAFE_FUNCTIONS) | set(functions or ()))


def check_script(text: str) -> list[ExpressionProblem]:
    """Problems of a script task's script: assignments, ``if`` and calls of safe functions."""
    tree, problems = _parse(text, "exec")
    if tree is None:
        return problems
    return _check(tree, _EXPRESSION_NODES + _SCRIPT_NODES, set(SAFE_FUNCTIONS))


def names_read(text: str, mode: str = "eval") -> set[str]:
    """Variable names an expression or script reads (empty if it does not parse)."""
    tree, _ = _parse(text, mode)
    if tree is None:
        return set()
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in called}


def names_assigned(text: str) -> set[str]:
    """Variable names a script assigns (empty if it does not parse)."""
    tree, _ = _parse(text, "exec")
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _parse(text: str, mode: str) -> tuple[ast.AST | None, list[ExpressionProblem]]:
    """Parse ``text``; an expression is stripped first (as the engine evaluates it), and the
    positions are shifted back so that they count in ``text`` as given."""
    if not text.strip():
        return None, [ExpressionProblem("the expression is empty")]
    if len(text) > MAX_LENGTH:
        return None, [ExpressionProblem(f"the expression is longer than {MAX_LENGTH} characters")]
    source, lines, columns = text, 0, 0
    if mode == "eval":
        source = text.strip()
        lead = text[: len(text) - len(text.lstrip())]
        lines, columns = lead.count("\n"), len(lead) - (lead.rfind("\n") + 1)
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        line, column = exc.lineno, exc.offset
        if line == 1 and column is not None:
            column += columns
        return None, [ExpressionProblem(f"not a valid expression: {exc.msg}",
                                        None if line is None else line + lines, column)]
    except (ValueError, RecursionError, MemoryError):
        return None, [ExpressionProblem("the expression is too deeply nested or not valid text")]
    if lines or columns:
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) is not None:
                if node.lineno == 1:
                    node.col_offset += columns
                node.lineno += lines
    return tree, []


def _check(tree: ast.AST, allowed: tuple[type, ...], functions: set[str]) -> list[ExpressionProblem]:
    problems: list[ExpressionProblem] = []
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        return [ExpressionProblem(f"the expression is too large (more than {MAX_NODES} parts)")]
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    sizes = _literal_sizes(nodes)
    for node in nodes:
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        col = col + 1 if col is not None else None

        def add(message: str) -> None:
            problems.append(ExpressionProblem(message, line, col))

        if not isinstance(node, allowed):
            add(_EXPLAIN.get(type(node), f"{type(node).__name__} is not allowed in the safe subset"))
            continue
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                add(f"the name {node.id!r} starts with '_': private and special names are "
                    "not allowed")
            elif node.id in _FUNCTION_NAMES and isinstance(node.ctx, ast.Store):
                add(f"{node.id!r} is the name of a function and cannot be assigned to; "
                    "choose another variable name")
            elif node.id in _FUNCTION_NAMES and id(node) not in called:
                add(f"the function {node.id!r} may only be called, as in {node.id}(…)")
            elif node.id in _BUILTIN_NAMES and id(node) not in called:
                add(f"{node.id!r} is a Python built-in and cannot be used as a variable name; "
                    "choose another name")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                if isinstance(node.func, allowed):  # else the callee is reported on its own
                    add("only whitelisted functions may be called, by name")
            elif node.func.id not in functions:
                known = ", ".join(sorted(functions))
                add(f"the function {node.func.id!r} is not allowed; allowed: {known}")
            for keyword in node.keywords:
                if keyword.arg not in SAFE_KEYWORDS:
                    name = "**" if keyword.arg is None else f"{keyword.arg}="
                    add(f"the keyword argument {name} is not allowed; allowed: "
                        f"{', '.join(sorted(SAFE_KEYWORDS))}")
        elif isinstance(node, ast.BinOp):
            if sizes.get(id(node), 0) > MAX_STRING:
                add(f"the result could be longer than {MAX_STRING} characters or items")
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_CONSTANT:
                add("the number is too large")
            elif isinstance(value, str | bytes) and len(value) > MAX_STRING:
                add("the text constant is too long")
        elif isinstance(node, ast.AugAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name | ast.Subscript):
                    add("only a name or a subscript may be assigned to")
    return problems


def _literal_sizes(nodes: list[ast.AST]) -> dict[int, int]:
    """The length of each piece of literal text or list (by ``id`` of the node), also when
    repeated by a literal count, joined with ``+`` or ``%``-formatted with a literal width:
    what can be known without running anything. ``nodes`` is in :func:`ast.walk` order, so
    walking it backwards sees children before their parents (no recursion on deep input)."""
    sizes: dict[int, int] = {}
    for node in reversed(nodes):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            sizes[id(node)] = len(node.value)
        elif isinstance(node, ast.List | ast.Tuple):
            sizes[id(node)] = len(node.elts)
        elif isinstance(node, ast.BinOp):
            left, right = sizes.get(id(node.left)), sizes.get(id(node.right))
            if isinstance(node.op, ast.Mult):
                for size, count in ((left, node.right), (right, node.left)):
                    times = count.value if isinstance(count, ast.Constant) else None
                    if size is not None and isinstance(times, int) and not isinstance(times, bool):
                        sizes[id(node)] = size * max(times, 0)
            elif isinstance(node.op, ast.Add) and left is not None and right is not None:
                sizes[id(node)] = left + right
            elif isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                    and isinstance(node.left.value, str | bytes):
                text = node.left.value
                text = text if isinstance(text, str) else text.decode("latin-1")
                widths = [w for field in _PERCENT_FIELD.findall(text) for w in field]
                # a "*" width is taken from the values: unknown, so treated as too long
                sizes[id(node)] = len(text) + sum(MAX_STRING + 1 if w == "*" else int(w or 0)
                                                  for w in widths)
    return sizes
