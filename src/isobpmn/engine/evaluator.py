"""The safe evaluator: runs conditions, scripts and timer expressions without eval or exec.

Diagram text is untrusted. Each text is first checked with the shared checker
(:mod:`isobpmn.model.expressions`, the validator's rule ``expression-safe`` uses the same one);
what passes is parsed once (cached) and evaluated by walking its syntax tree here. Names come
from the case data; calls go to :mod:`isobpmn.engine.functions` by name only, so a field
called ``len`` never hides the function. Operators and functions keep the runtime limits of
:mod:`isobpmn.engine.limits`, and a budget of steps bounds every evaluation. What the subset
allows is documented in docs/expressions.md; how the engine uses it in docs/engine.md.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine.errors import EngineError, ExpressionError, LimitExceeded
from isobpmn.engine.functions import SAFE, TIMER, Call, Function
from isobpmn.engine.limits import (
    MAX_ITEMS,
    MAX_STEPS,
    MAX_STORED,
    Budget,
    check,
    kind,
    measure,
    storable,
)
from isobpmn.engine.operators import binary, compare
from isobpmn.model.expressions import TIMER_FUNCTIONS, check_expression, check_script

__all__ = ["MAX_NESTING", "Evaluator"]

#: Deepest nesting of an expression the evaluator walks (the checker bounds its size).
MAX_NESTING = 100
_TIMER_FUNCTIONS = {**SAFE, **TIMER}
_PLAIN = (str, int, float, bool, type(None))


class Evaluator:
    """Evaluates the safe subset over case data, taking time from ``now`` and working time from
    ``calendar`` (both used by ``today()``, ``now()`` and the timer helpers)."""

    def __init__(self, now: Callable[[], datetime], calendar: WorkingCalendar | None = None,
                 *, max_steps: int = MAX_STEPS) -> None:
        self.now = now
        self.calendar = calendar
        self.max_steps = max_steps
        #: steps left to the current change of a case (all its evaluations), None: no cap
        self.allowance: int | None = None

    def evaluate(self, text: str, data: Mapping[str, Any], *,
                 external: Mapping[str, Any] | None = None, element_id: str | None = None) -> Any:
        """The value of a condition or other expression."""
        tree = _compiled(text, "eval", element_id)
        return self._walk(text, element_id, data, external, SAFE, lambda w: w.value(tree.body))

    def evaluate_timer(self, text: str, data: Mapping[str, Any], *,
                       element_id: str | None = None) -> Any:
        """The value of a timer expression: text, or the moment a working-time helper gives."""
        tree = _compiled(text, "timer", element_id)
        return self._walk(text, element_id, data, None, _TIMER_FUNCTIONS,
                          lambda w: w.value(tree.body))

    def execute(self, text: str, data: MutableMapping[str, Any], *,
                element_id: str | None = None) -> None:
        """Run a script, assigning into ``data``. What it stores is checked against the limits
        when the script ends; on an error ``data`` may hold the assignments made before it."""
        tree = _compiled(text, "script", element_id)

        def run(walk: _Walk) -> None:
            walk.block(tree.body)
            for name in walk.written:
                where = f"the variable {name!r}"
                if measure(data[name], MAX_STORED) > MAX_STORED:
                    raise LimitExceeded(f"{where} is too large to keep in the case data (more "
                                        f"than {MAX_STORED:,} characters written out)")
                data[name] = storable(data[name], where=where, error=ExpressionError)
        self._walk(text, element_id, data, None, SAFE, run)

    def _walk(self, text: str, element_id: str | None, data, external, functions, body) -> Any:
        steps = self.max_steps if self.allowance is None else min(self.max_steps, self.allowance)
        budget = Budget(steps)
        walk = _Walk(data, external, functions, budget, self)
        try:
            return body(walk)
        except EngineError as exc:
            if isinstance(exc, ExpressionError) and exc.expression is None:
                exc.expression = text
            raise exc.at(element_id) from None
        except RecursionError:
            raise ExpressionError("the expression is nested too deeply", element_id=element_id,
                                  expression=text) from None
        except MemoryError:  # pragma: no cover - the limits are there to prevent it
            raise LimitExceeded("the evaluation ran out of memory", element_id=element_id,
                                expression=text) from None
        finally:
            if self.allowance is not None:
                self.allowance -= steps - max(budget.left, 0)


@lru_cache(maxsize=4096)
def _parse(text: str, mode: str) -> ast.AST | tuple[str, ...]:
    """The checked tree of ``text``, or the checker's messages. Cached: a procedure evaluates
    the same few conditions for every case."""
    if mode == "script":
        problems = check_script(text)
    else:
        problems = check_expression(text, TIMER_FUNCTIONS if mode == "timer" else None)
    if problems:
        return tuple(_describe(p) for p in problems)
    tree = ast.parse(text if mode == "script" else text.strip(),
                     mode="exec" if mode == "script" else "eval")
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return (f"the expression is nested more than {MAX_NESTING} levels deep",)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def _compiled(text: str, mode: str, element_id: str | None) -> Any:
    if not isinstance(text, str):
        raise ExpressionError(f"expected the text of an expression, got {kind(text)}",
                              element_id=element_id)
    tree = _parse(text, mode)
    if isinstance(tree, tuple):
        what = "script" if mode == "script" else "timer" if mode == "timer" else "expression"
        raise ExpressionError(f"the {what} is outside the safe subset (docs/expressions.md): "
                              + "; ".join(tree), element_id=element_id, expression=text)
    return tree


def _describe(problem) -> str:
    where = f" (line {problem.line}, column {problem.column})" if problem.line else ""
    return problem.message + where


class _Walk:
    """One evaluation: the data it reads and writes, its budget, the names it assigned."""

    __slots__ = ("budget", "context", "data", "external", "functions", "written")

    def __init__(self, data, external, functions: dict[str, Function], budget: Budget,
                 evaluator: Evaluator) -> None:
        self.data = data
        self.external = external
        self.functions = functions
        self.budget = budget
        self.context = Call("", budget, evaluator.now, evaluator.calendar)
        self.written: set[str] = set()

    # -- expressions -----------------------------------------------------------------------

    def value(self, node: ast.AST) -> Any:
        self.budget.charge()
        handler = _EXPRESSIONS.get(type(node))
        if handler is None:  # the checker refuses these; kept as a second line of defence
            raise ExpressionError(f"{type(node).__name__} is not allowed in the safe subset")
        return handler(self, node)

    def constant(self, node: ast.Constant) -> Any:
        if type(node.value) not in _PLAIN:
            raise ExpressionError("only numbers, text, True, False and None can be written as "
                                  f"values, not {node.value!r}")
        return check(node.value)

    def name(self, node: ast.Name) -> Any:
        if node.id in self.data:
            return self.data[node.id]
        if self.external is not None and node.id in self.external:
            return self.external[node.id]
        raise ExpressionError(f"the variable {node.id!r} has no value in this case yet: no step "
                              "before this one has filled it in")

    def boolop(self, node: ast.BoolOp) -> Any:
        result = None
        for operand in node.values:
            result = self.value(operand)
            if isinstance(node.op, ast.And) != bool(result):
                return result
        return result

    def unaryop(self, node: ast.UnaryOp) -> Any:
        operand = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            raise ExpressionError(f"a sign (+ or -) needs a number, got {kind(operand)}")
        return check(-operand if isinstance(node.op, ast.USub) else +operand)

    def binop(self, node: ast.BinOp) -> Any:
        return binary(self.budget, type(node.op), self.value(node.left), self.value(node.right))

    def compare(self, node: ast.Compare) -> bool:
        left = self.value(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.value(comparator)
            if not compare(self.budget, type(op), left, right):
                return False
            left = right
        return True

    def ifexp(self, node: ast.IfExp) -> Any:
        return self.value(node.body if self.value(node.test) else node.orelse)

    def subscript(self, node: ast.Subscript) -> Any:
        container = self.value(node.value)
        if isinstance(node.slice, ast.Slice):
            bounds = [None if part is None else self.value(part)
                      for part in (node.slice.lower, node.slice.upper, node.slice.step)]
            if not all(b is None or (isinstance(b, int) and not isinstance(b, bool))
                       for b in bounds):
                raise ExpressionError("the bounds of a slice must be whole numbers")
            key: Any = slice(*bounds)
        else:
            key = self.value(node.slice)
        if not isinstance(container, str | list | tuple | Mapping):
            raise ExpressionError(f"{kind(container)} has no items to take with [...]")
        self.budget.charge(len(container) // 64 if isinstance(key, slice) else 0)
        try:
            return check(container[key])
        except KeyError:
            raise ExpressionError(f"the dictionary has no key {key!r}") from None
        except IndexError:
            raise ExpressionError(f"the index {key!r} is past the end of {kind(container)} "
                                  f"of {len(container)} items") from None
        except (TypeError, ValueError):
            raise ExpressionError(f"{kind(container)} cannot be indexed with {kind(key)}") from None

    def sequence(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        items = [self.value(element) for element in node.elts]
        if isinstance(node, ast.List):
            return check(items)
        if isinstance(node, ast.Tuple):
            return check(tuple(items))
        try:
            return check(set(items))
        except TypeError:
            raise ExpressionError("a set {…} can hold only text, numbers and True/False") from None

    def dict(self, node: ast.Dict) -> dict:
        result = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                raise ExpressionError("** unpacking is not allowed")
            key = self.value(key_node)
            try:
                result[key] = self.value(value_node)
            except TypeError:
                raise ExpressionError(f"{kind(key)} cannot be a dictionary key") from None
        return check(result)

    def call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.func.id not in self.functions:
            raise ExpressionError("only the functions of docs/expressions.md may be called, "
                                  "by name")
        args = [self.value(arg) for arg in node.args]
        kwargs = {kw.arg: self.value(kw.value) for kw in node.keywords}
        self.context.name = node.func.id
        return check(self.functions[node.func.id](self.context, args, kwargs))

    # -- statements ------------------------------------------------------------------------

    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.budget.charge()
            if isinstance(statement, ast.Assign):
                value = self.value(statement.value)
                for target in statement.targets:
                    self.assign(target, value)
            elif isinstance(statement, ast.AugAssign):
                current = self.value(statement.target)  # a name or item, read first
                self.assign(statement.target, binary(self.budget, type(statement.op), current,
                                                     self.value(statement.value)))
            elif isinstance(statement, ast.If):
                self.block(statement.body if self.value(statement.test) else statement.orelse)
            elif isinstance(statement, ast.Expr):
                self.value(statement.value)
            elif not isinstance(statement, ast.Pass):
                raise ExpressionError(f"{type(statement).__name__} is not allowed in a script")

    def assign(self, target: ast.expr, value: Any) -> None:
        root = target
        while isinstance(root, ast.Subscript):
            root = root.value
        if not isinstance(root, ast.Name):
            raise ExpressionError("only a variable or an item of one, like a[\"b\"], can be "
                                  "assigned")
        if isinstance(target, ast.Name):
            self.data[target.id] = value
        else:
            if isinstance(target.slice, ast.Slice):
                raise ExpressionError("a slice cannot be assigned to; assign a whole list instead")
            container = self.value(target.value)
            key = self.value(target.slice)
            if isinstance(container, dict):
                if not isinstance(key, str):
                    raise ExpressionError("dictionary keys kept in case data must be text")
                if key not in container and len(container) >= MAX_ITEMS:
                    raise LimitExceeded(f"a dictionary may hold at most {MAX_ITEMS:,} items")
            elif not isinstance(container, list):
                raise ExpressionError(f"{kind(container)} cannot be changed item by item")
            try:
                container[key] = value
            except (IndexError, TypeError):
                raise ExpressionError(f"{kind(container)} has no item {key!r} to assign") from None
        self.written.add(root.id)


_EXPRESSIONS: dict[type, Callable[[_Walk, Any], Any]] = {
    ast.Constant: _Walk.constant, ast.Name: _Walk.name, ast.BoolOp: _Walk.boolop,
    ast.UnaryOp: _Walk.unaryop, ast.BinOp: _Walk.binop, ast.Compare: _Walk.compare,
    ast.IfExp: _Walk.ifexp, ast.Subscript: _Walk.subscript, ast.List: _Walk.sequence,
    ast.Tuple: _Walk.sequence, ast.Set: _Walk.sequence, ast.Dict: _Walk.dict, ast.Call: _Walk.call,
}
