"""Static evaluation of xm's Python expressions (never exec): literals, earlier
settings, arithmetic, ``%`` formatting, comparisons and list comprehensions, as xm
(Python 2 ``execfile``) computed them; anything else is :class:`NotStatic`."""

from __future__ import annotations

import ast
import operator
import re
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
#: Work one config may cost (:data:`_NODE` units per expression node evaluated, one per
#: item of a value built, compared or converted): every value is bounded, but a loop or a line after
#: line of megabyte values is not (nested comprehensions, ``L == L + []`` in a filter,
#: ``disk += disk``). About a second of CPU.
WORK = 1 << 22
#: An expression node costs as much as this many items of a value (a Python call per
#: node, a C loop step per item).
_NODE = 16


class Budget:
    """The work left for evaluating one config's lines, shared by all of them."""

    def __init__(self, units: int = WORK) -> None:
        self.left = units

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise NotStatic("too much work for a static value")

    def weigh(self, v: Any) -> int:
        """Spend and return ``v``'s size counted through nested lists (``['x' * 10**6]
        * 1000`` holds a thousand references, but writes a gigabyte)."""
        total, stack = 0, [v]
        while stack:
            x = stack.pop()
            if isinstance(x, (list, tuple)):
                total += 1 + len(x)
                stack.extend(y for y in x if isinstance(y, (str, list, tuple)))
            elif isinstance(x, str):
                total += len(x)
            else:
                total += 1
            if total > _LIMIT:
                raise NotStatic("value too large")
            if total > self.left:
                break
        self.spend(total)
        return total

    def bounded(self, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 64:
            raise NotStatic("number too large")
        self.weigh(v)
        return v


#: A ``%`` conversion's width and precision (``'%*d'`` takes it from the values).
_SPEC = re.compile(r"%[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_format(fmt: str) -> None:
    """``'%999999999d' % 1`` builds a gigabyte before its size can be checked."""
    for m in _SPEC.finditer(fmt):
        for n in m.groups():
            if n == "*" or (n and len(n) > 4):
                raise NotStatic("a conversion too wide")


def evaluate(node: ast.AST, env: dict[str, Any], budget: Budget | None = None) -> Any:
    """The value of an expression of literals, earlier settings, ``+ - * % // **``,
    ``A if TEST else B``, comparisons, ``and``/``or``/``not`` and list comprehensions
    over such values (``range``, ``enumerate``, ``zip``, ``len`` allowed).

    ``/`` on two integers is Python 2's floor division, as xm computed it.
    ``str()`` and ``int()`` of such values are allowed; anything else raises
    :class:`NotStatic`. ``budget`` is the work left for the config (shared by its
    lines; a fresh :data:`WORK` without one).
    """
    return _eval(node, env, Budget() if budget is None else budget)


def _eval(node: ast.AST, env: dict[str, Any], budget: Budget) -> Any:
    budget.spend(_NODE)
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return budget.bounded(node.value)  # (0x + 5,000 digits: no decimal form to write)
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Name):
        if node.id in env and env[node.id] is not COMPUTED:
            return env[node.id]
        if node.id in ("True", "False"):  # Python 2 spelled them as names too
            return node.id == "True"
        raise NotStatic(f"'{node.id}' is not known before this line")
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_eval(e, env, budget) for e in node.elts]
        return budget.bounded(items if isinstance(node, ast.List) else tuple(items))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand, env, budget)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return -v if isinstance(node.op, ast.USub) else v
        raise NotStatic("sign of a non-number")
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env, budget), _eval(node.right, env, budget)
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
            seq = left if isinstance(left, (str, list, tuple)) else right
            if not isinstance(count, int) or count * max(1, len(seq)) > _LIMIT:
                raise NotStatic("repetition too large")
            if count > 0 and count * budget.weigh(seq) > _LIMIT:
                raise NotStatic("repetition too large")
        # (memory = 2**10): integers only, an exponent that keeps it within 64 bits
        if isinstance(node.op, ast.Pow) and not (
            isinstance(left, int)
            and isinstance(right, int)
            and not isinstance(left, bool)
            and not isinstance(right, bool)
            and 0 <= right <= 64
        ):
            raise NotStatic("operator Pow")
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            _check_format(left)
            budget.weigh(right)
            if isinstance(right, list):
                right = tuple(right)
        elif isinstance(node.op, (ast.Add, ast.Mod)):
            budget.weigh(left)
            budget.weigh(right)
        try:
            return budget.bounded(op(left, right))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            raise NotStatic(str(exc)) from None
    if isinstance(node, ast.IfExp):
        # (memory = 1024 if big else 512): only the branch Python would take is evaluated
        return _eval(node.body if _eval(node.test, env, budget) else node.orelse, env, budget)
    if isinstance(node, ast.ListComp):
        return _comprehension(node, env, budget)
    if isinstance(node, ast.Compare):
        return _compare(node, env, budget)
    if isinstance(node, ast.BoolOp):
        # (Python's and/or give the deciding operand, not a bool)
        value = _eval(node.values[0], env, budget)
        for item in node.values[1:]:
            if bool(value) == isinstance(node.op, ast.Or):
                return value
            value = _eval(item, env, budget)
        return value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _eval(node.operand, env, budget)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("range", "xrange", "enumerate", "zip", "len")
        and not node.keywords
    ):
        return _sequence_call(node.func.id, [_eval(a, env, budget) for a in node.args], budget)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("str", "int")
        and len(node.args) == 1
        and not node.keywords
    ):
        v = _eval(node.args[0], env, budget)
        budget.weigh(v)
        try:
            return budget.bounded(str(v) if node.func.id == "str" else int(v))
        except (TypeError, ValueError, OverflowError) as exc:  # (int(1e400): infinity)
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


def _compare(node: ast.Compare, env: dict[str, Any], budget: Budget) -> bool:
    """``a < b``, ``x in ('a', 'b')``, chained as Python chains them; values of
    different kinds (which Python 2 ordered arbitrarily) are not compared."""
    left = _eval(node.left, env, budget)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _eval(right_node, env, budget)
        budget.weigh(left)  # (what a comparison may have to read)
        budget.weigh(right)
        try:
            if not _COMPARE[type(op)](left, right):
                return False
        except (TypeError, KeyError) as exc:
            raise NotStatic(f"comparison {type(op).__name__}: {exc}") from None
        left = right
    return True


def _sequence_call(name: str, args: list[Any], budget: Budget) -> Any:
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
        return budget.bounded(list(r))
    if not all(isinstance(a, (list, tuple, str)) for a in args):
        raise NotStatic(f"{name}() of a non-sequence")
    if name == "len" and len(args) == 1:
        return len(args[0])
    if name in ("enumerate", "zip") and min((len(a) for a in args), default=0) > _STEPS:
        raise NotStatic(f"{name}() too long")  # (a tuple per item: kept to the bound)
    if name == "enumerate" and len(args) == 1:
        return budget.bounded([(i, v) for i, v in enumerate(args[0])])
    if name == "zip" and args:
        budget.spend(len(args) * min(len(a) for a in args))
        return budget.bounded([tuple(t) for t in zip(*args, strict=False)])
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


def _comprehension(node: ast.ListComp, env: dict[str, Any], budget: Budget) -> list[Any]:
    """``[ELT for T in SEQ if COND ...]`` over static sequences, as Python runs it (the
    loop names stay local: xl reads no leaked loop variable anyway)."""
    out: list[Any] = []
    steps = size = 0

    def walk(level: int, scope: dict[str, Any]) -> None:
        nonlocal steps, size
        if level == len(node.generators):
            item = _eval(node.elt, scope, budget)
            # (each item is bounded, but 4,096 items of a megabyte each are not)
            size += len(item) if isinstance(item, (str, list, tuple)) else 1
            if size > _LIMIT:
                raise NotStatic("comprehension too large")
            out.append(item)
            return
        gen = node.generators[level]
        if gen.is_async:
            raise NotStatic("async comprehension")
        items = _eval(gen.iter, scope, budget)
        if not isinstance(items, (list, tuple, str)):
            raise NotStatic("a loop over a non-sequence")
        for item in items:
            steps += 1
            if steps > _STEPS:
                raise NotStatic("comprehension too long")
            inner = dict(scope)
            _bind(gen.target, item, inner)
            if all(_eval(cond, inner, budget) for cond in gen.ifs):
                walk(level + 1, inner)

    walk(0, env)
    return budget.bounded(out)


def parse_statement(body: str) -> ast.Module | None:
    """The statement ``body`` of an xm config as Python reads it, parsed once for every
    question asked of it (``None`` where Python cannot read it)."""
    try:
        return ast.parse(body.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # (ValueError: an
        return None  # undecodable byte is a lone surrogate, which compile() cannot encode)


def mutated_names(tree: ast.Module | None) -> list[str]:
    """The names whose methods the statement calls (``disk.append(...)``,
    ``vif.extend``): settings the code changes without assigning them."""
    if tree is None:
        return []
    names = {
        n.func.value.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.attr in ("append", "extend", "insert", "remove", "pop", "update", "sort")
    }
    return sorted(names)
