"""The safe expression subset: what a diagram's conditions, scripts and timers may say.

Diagrams are untrusted input, and their expressions run on the server. They are Python-like,
but only a small documented subset is accepted (docs/expressions.md): literals, names,
comparisons, boolean and arithmetic operators, subscripts, conditional expressions, calls of
whitelisted functions, and in scripts plain assignments and ``if``. No imports, no attribute
access, no names starting with ``_``, no lambdas, loops or comprehensions, no ``**``.

This module only *checks* (stdlib ``ast``); the engine's evaluator runs what passes, with its
own runtime limits. The validator and the engine share this one checker.
"""

from __future__ import annotations

import ast
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
    if not text.strip():
        return None, [ExpressionProblem("the expression is empty")]
    if len(text) > MAX_LENGTH:
        return None, [ExpressionProblem(f"the expression is longer than {MAX_LENGTH} characters")]
    try:
        return ast.parse(text.strip() if mode == "eval" else text, mode=mode), []
    except SyntaxError as exc:
        return None, [ExpressionProblem(f"not a valid expression: {exc.msg}", exc.lineno,
                                        exc.offset)]
    except (ValueError, RecursionError, MemoryError):
        return None, [ExpressionProblem("the expression is too deeply nested or not valid text")]


def _check(tree: ast.AST, allowed: tuple[type, ...], functions: set[str]) -> list[ExpressionProblem]:
    problems: list[ExpressionProblem] = []
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        return [ExpressionProblem(f"the expression is too large (more than {MAX_NODES} parts)")]
    for node in nodes:
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        col = col + 1 if col is not None else None

        def add(message: str) -> None:
            problems.append(ExpressionProblem(message, line, col))

        if not isinstance(node, allowed):
            add(_EXPLAIN.get(type(node), f"{type(node).__name__} is not allowed in the safe subset"))
            continue
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            add(f"the name {node.id!r} starts with '_': private and special names are not allowed")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                add("only whitelisted functions may be called, by name")
            elif node.func.id not in functions:
                known = ", ".join(sorted(functions))
                add(f"the function {node.func.id!r} is not allowed; allowed: {known}")
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
