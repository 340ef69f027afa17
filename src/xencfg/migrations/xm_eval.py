"""Static evaluation of xm's Python expressions (never exec): literals, earlier
settings, arithmetic, ``%`` formatting, comparisons and list comprehensions, as xm
(Python 2 ``execfile``) computed them; anything else is :class:`NotStatic`."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from ..formats.xen.domu import COMPUTED


class NotStatic(Exception):
    """The expression needs running code to know its value."""


_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
}
_LIMIT = 1 << 20  # no value (string, list, number of digits) beyond a megabyte


def _bounded(v: Any) -> Any:
    if isinstance(v, (str, list, tuple)) and len(v) > _LIMIT:
        raise NotStatic("value too large")
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 64:
        raise NotStatic("number too large")
    return v


def evaluate(node: ast.AST, env: dict[str, Any]) -> Any:
    """The value of an expression of literals, earlier settings, ``+ - * % // **``,
    ``A if TEST else B``, comparisons, ``and``/``or``/``not`` and list comprehensions
    over such values (``range``, ``enumerate``, ``zip``, ``len`` allowed).

    ``/`` on two integers is Python 2's floor division, as xm computed it.
    ``str()`` and ``int()`` of such values are allowed; anything else raises
    :class:`NotStatic`.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return node.value
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Name):
        if node.id in env and env[node.id] is not COMPUTED:
            return env[node.id]
        if node.id in ("True", "False"):  # Python 2 spelled them as names too
            return node.id == "True"
        raise NotStatic(f"'{node.id}' is not known before this line")
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [evaluate(e, env) for e in node.elts]
        return _bounded(items if isinstance(node, ast.List) else tuple(items))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = evaluate(node.operand, env)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return -v if isinstance(node.op, ast.USub) else v
        raise NotStatic("sign of a non-number")
    if isinstance(node, ast.BinOp):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(node.op, ast.Div) and isinstance(left, int) and isinstance(right, int):
            op: Callable[[Any, Any], Any] = operator.floordiv  # Python 2
        elif type(node.op) in _BINOPS:
            op = _BINOPS[type(node.op)]
        elif isinstance(node.op, ast.Pow):
            op = operator.pow  # (checked below)
        else:
            raise NotStatic(f"operator {type(node.op).__name__}")
        if isinstance(node.op, ast.Mult) and (
            isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple))
        ):
            count = right if isinstance(left, (str, list, tuple)) else left
            size = len(left) if isinstance(left, (str, list, tuple)) else len(right)
            if not isinstance(count, int) or count * size > _LIMIT:
                raise NotStatic("repetition too large")
        if isinstance(node.op, ast.Pow):
            # (memory = 2**10): integers only, an exponent that keeps it within 64 bits
            if not (
                isinstance(left, int)
                and isinstance(right, int)
                and not isinstance(left, bool)
                and not isinstance(right, bool)
                and 0 <= right <= 64
            ):
                raise NotStatic("operator Pow")
            op = operator.pow
        if isinstance(node.op, ast.Mod) and isinstance(left, str) and isinstance(right, list):
            right = tuple(right)
        try:
            return _bounded(op(left, right))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            raise NotStatic(str(exc)) from None
    if isinstance(node, ast.IfExp):
        # (memory = 1024 if big else 512): only the branch Python would take is evaluated
        return evaluate(node.body if evaluate(node.test, env) else node.orelse, env)
    if isinstance(node, ast.ListComp):
        return _comprehension(node, env)
    if isinstance(node, ast.Compare):
        return _compare(node, env)
    if isinstance(node, ast.BoolOp):
        # (Python's and/or give the deciding operand, not a bool)
        value = evaluate(node.values[0], env)
        for item in node.values[1:]:
            if bool(value) == isinstance(node.op, ast.Or):
                return value
            value = evaluate(item, env)
        return value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not evaluate(node.operand, env)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("range", "xrange", "enumerate", "zip", "len")
        and not node.keywords
    ):
        return _sequence_call(node.func.id, [evaluate(a, env) for a in node.args])
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("str", "int")
        and len(node.args) == 1
        and not node.keywords
    ):
        v = evaluate(node.args[0], env)
        try:
            return _bounded(str(v) if node.func.id == "str" else int(v))
        except (TypeError, ValueError) as exc:
            raise NotStatic(str(exc)) from None
    raise NotStatic(type(node).__name__)


#: At most this many loop steps in one comprehension (xm configs build a few disks or
#: vifs; a bound keeps a hostile config from costing time).
_STEPS = 4096
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _compare(node: ast.Compare, env: dict[str, Any]) -> bool:
    """``a < b``, ``x in ('a', 'b')``, chained as Python chains them; values of
    different kinds (which Python 2 ordered arbitrarily) are not compared."""
    left = evaluate(node.left, env)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = evaluate(right_node, env)
        try:
            if not _COMPARE[type(op)](left, right):
                return False
        except (TypeError, KeyError) as exc:
            raise NotStatic(f"comparison {type(op).__name__}: {exc}") from None
        left = right
    return True


def _sequence_call(name: str, args: list[Any]) -> Any:
    """Python 2's ``range`` (a list), ``xrange``, ``enumerate``, ``zip`` and ``len`` of
    static values, bounded."""
    if name in ("range", "xrange"):
        if not 1 <= len(args) <= 3 or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in args
        ):
            raise NotStatic(f"{name}() of non-integers")
        try:
            r = range(*args)
        except ValueError as exc:
            raise NotStatic(str(exc)) from None
        if len(r) > _STEPS:
            raise NotStatic(f"{name}() too long")
        return list(r)
    if not all(isinstance(a, (list, tuple, str)) for a in args):
        raise NotStatic(f"{name}() of a non-sequence")
    if name == "len" and len(args) == 1:
        return len(args[0])
    if name in ("enumerate", "zip") and min((len(a) for a in args), default=0) > _STEPS:
        raise NotStatic(f"{name}() too long")  # (a tuple per item: kept to the bound)
    if name == "enumerate" and len(args) == 1:
        return [(i, v) for i, v in enumerate(args[0])]
    if name == "zip" and args:
        return [tuple(t) for t in zip(*args, strict=False)]
    raise NotStatic(f"{name}() with {len(args)} arguments")


def _bind(target: ast.expr, value: Any, scope: dict[str, Any]) -> None:
    """Assign a comprehension's loop value to its target (a name or a tuple of them)."""
    if isinstance(target, ast.Name):
        scope[target.id] = value
        return
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (list, tuple, str)):
        if len(target.elts) != len(value):
            raise NotStatic("unpacking a value of another length")
        for t, v in zip(target.elts, value, strict=True):
            _bind(t, v, scope)
        return
    raise NotStatic(f"loop target {type(target).__name__}")


def _comprehension(node: ast.ListComp, env: dict[str, Any]) -> list[Any]:
    """``[ELT for T in SEQ if COND ...]`` over static sequences, as Python runs it (the
    loop names stay local: xl reads no leaked loop variable anyway)."""
    out: list[Any] = []
    steps = size = 0

    def walk(level: int, scope: dict[str, Any]) -> None:
        nonlocal steps, size
        if level == len(node.generators):
            item = evaluate(node.elt, scope)
            # (each item is bounded, but 4,096 items of a megabyte each are not)
            size += len(item) if isinstance(item, (str, list, tuple)) else 1
            if size > _LIMIT:
                raise NotStatic("comprehension too large")
            out.append(item)
            return
        gen = node.generators[level]
        if gen.is_async:
            raise NotStatic("async comprehension")
        items = evaluate(gen.iter, scope)
        if not isinstance(items, (list, tuple, str)):
            raise NotStatic("a loop over a non-sequence")
        for item in items:
            steps += 1
            if steps > _STEPS:
                raise NotStatic("comprehension too long")
            inner = dict(scope)
            _bind(gen.target, item, inner)
            if all(evaluate(cond, inner) for cond in gen.ifs):
                walk(level + 1, inner)

    walk(0, env)
    return _bounded(out)


def mutated_names(body: str) -> list[str]:
    """The names whose methods ``body`` calls (``disk.append(...)``, ``vif.extend``):
    settings the code changes without assigning them."""
    try:
        tree = ast.parse(body.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # (ValueError: an
        return []  # undecodable byte is a lone surrogate, which compile() cannot encode)
    names = {
        n.func.value.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.attr in ("append", "extend", "insert", "remove", "pop", "update", "sort")
    }
    return sorted(names)
