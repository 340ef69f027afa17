"""multipath.conf's ``{`` below its section name, and statements after a ``{``: what
multipath-tools reads of them (libmultipath/parser.c; tests/test_multipath_braces.py).

The grammar reads both shapes losslessly (grammars/multipath.lark ``_BRACE_NL`` and
``_after_open``); these say where the daemon reads otherwise than written, for lint.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import ValueProblem
from ..syntax.blocks import Block, Entry
from ..syntax.tree import Node, Tok, walk

__all__ = ["SUBLEVEL", "after_brace", "brace_below", "brace_problems"]


def _lbrace(block: Block) -> Tok | None:
    return next((t for t in block.cst or () if isinstance(t, Tok) and t.kind == "LBRACE"), None)


#: The sections parser.c's ``is_sublevel_keyword`` lists (0.6.0 to 0.14): those it reads
#: with their ``{`` on a later line. Any other (``overrides``, its ``protocol``) is then a
#: keyword without a value, dropped with what it holds (see :func:`brace_below`).
SUBLEVEL = frozenset(
    {
        "defaults",
        "blacklist",
        "blacklist_exceptions",
        "devices",
        "device",
        "multipaths",
        "multipath",
    }
)


def brace_below(block: Block, text: str) -> bool:
    """Whether the ``{`` of ``block`` stands on a later line than its name. multipath
    reads such a section: 0.4.x's parser.c ``process_stream`` opens it at the name and
    finds no keyword in the ``{`` line; from 0.6 on ``validate_config_strvec`` logs
    "missing '{' on line N" and "invalid keyword '{' on line N+1", and reads it all the
    same (``multipath -t`` 0.9.4) - except a section ``is_sublevel_keyword`` does not list
    (:data:`SUBLEVEL`): "missing value for option 'overrides'", the section dropped (MP010)."""
    brace, key = _lbrace(block), block.key_tok
    if brace is None or key is None or brace.pos < 0 or key.pos < 0:
        return False
    return "\n" in text[key.end : brace.pos]


def after_brace(block: Block, text: str) -> Entry | None:
    """The statement written after the ``{`` of ``block`` on its line, which multipath
    never reads: its parser.c reads a file line by line and takes the first word of a
    line as the keyword. After ``device {`` the rest is "extra data" (0.6 on:
    ``validate_config_strvec`` logs "ignoring extra data starting with 'vendor'";
    0.4.x's ``process_stream`` hands the line to the ``device`` handler, which reads no
    value); a line starting with ``{`` is an "invalid keyword '{'" (0.6 on) or no
    keyword at all (0.4.x), dropped whole."""
    brace = _lbrace(block)
    first = next(iter(block.child_nodes()), None)
    if brace is None or brace.pos < 0 or not isinstance(first, Entry):
        return None
    key = first.key_tok
    if key is None or key.pos < brace.end or "\n" in text[brace.end : key.pos]:
        return None
    return first


def brace_problems(doc: Node, text: str) -> Iterator[ValueProblem]:
    """The ``{`` placements multipath reads otherwise than written (:func:`brace_below`,
    :func:`after_brace`; a section outside :data:`SUBLEVEL` dropped is MP010's)."""
    for node in walk(doc):
        if not isinstance(node, Block):
            continue
        below = brace_below(node, text)
        if below and node.key in SUBLEVEL:
            yield ValueProblem(
                node,
                f"the '{{' of {node.key} is on a line below it: multipath reads the"
                f' section, but from 0.6 on logs "missing \'{{\'" and "invalid keyword'
                f" '{{'\" at every start: write '{node.key} {{'",
                harmless=True,
            )
        lost = after_brace(node, text)
        if lost is not None:
            written = " ".join([lost.key, *(t.text for t in lost.value_toks)])
            said = (
                "invalid keyword '{'"
                if below
                else f"ignoring extra data starting with '{lost.key}'"
            )
            yield ValueProblem(
                lost,
                f"multipath does not read '{written}': it follows the '{{' of {node.key}"
                f' on its line ("{said}"): put it on a line of its own',
            )
