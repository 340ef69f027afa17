"""LVM2 ``/etc/lvm/lvm.conf``.

Parsed with the grammar shared with evms.conf (:mod:`._base`). Typed
helpers cover what cluster checks need: the ``devices/filter`` (and
``global_filter``) accept/reject rules, ``global`` settings such as
``locking_type``, and every other setting as ``section/key`` typed values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ...errors import ValidationError
from ...problems import KeywordProblem, ValueProblem
from ...syntax.blocks import Block
from ...syntax.tree import Node
from ._base import (
    Builder,
    LvmLikeDocument,
    LvmStyle,
    Setting,
    Value,
    keyword_problems_for,
    parse_lvmlike,
)

FORMAT = "lvm"

#: Sections lvm.conf(5) documents (LVM2 2.02/2.03); their keys are not enumerated here.
SECTIONS = frozenset(
    [
        *("config", "devices", "allocation", "log", "backup", "shell", "global"),
        *("activation", "metadata", "report", "dmeventd", "tags", "local", "disk_area"),
    ]
)

STYLE = LvmStyle(indent="\t", terminator="", separator=" = ")


@attrs.frozen
class FilterRule:
    """One ``devices/filter`` pattern: ``action`` is ``"a"`` (accept) or ``"r"``
    (reject); ``regex`` the pattern between the delimiters (any character LVM
    allows, usually ``|``). The first matching rule decides; no match accepts."""

    action: str
    regex: str
    raw: str

    @property
    def accept(self) -> bool:
        return self.action == "a"


def parse_filter(raw: str) -> FilterRule:
    """``"a|^/dev/sd.*|"`` -> ``FilterRule("a", "^/dev/sd.*")``; bad ones raise
    :class:`xencfg.ValidationError` (LVM refuses them at run time)."""
    if len(raw) < 3 or raw[0] not in "ar":
        raise ValidationError(f"filter rule {raw!r} must start with 'a' or 'r'")
    delim = raw[1]
    end = raw.rfind(delim)
    if end <= 1:
        raise ValidationError(f"filter rule {raw!r}: regex not closed by {delim!r}")
    return FilterRule(raw[0], raw[2:end], raw)


@attrs.define(weakref_slot=False)
class LvmDocument(LvmLikeDocument):
    """A parsed lvm.conf."""

    format = FORMAT
    style = STYLE

    def setting(self, path: str) -> Setting | None:
        """The setting at ``section/key``; else one written ``section/key = value`` at the
        top level, which LVM2 reads as that setting from 2.02.113 on (libdm-config.c
        ``_find_or_make_node``, lvm2 commit 687029cbb "Allow paths (section/key = value)
        in config files"). Older releases ignore such a line (see
        :meth:`keyword_problems`)."""
        found = super().setting(path)
        if found is not None:
            return found
        return next((c for c in self.children if isinstance(c, Setting) and c.key == path), None)

    def path_settings(self) -> list[Setting]:
        """Top-level ``section/key = value`` settings of a section lvm.conf(5) documents."""
        return [
            c
            for c in self.children
            if isinstance(c, Setting) and "/" in c.key and c.key.split("/", 1)[0] in SECTIONS
        ]

    def _rules(self, key: str) -> list[FilterRule]:
        s = self.setting(f"devices/{key}")
        if s is None:
            return []
        out = []
        for v in s.values:
            try:
                out.append(parse_filter(v))
            except ValidationError:
                continue
        return out

    @property
    def filter(self) -> list[FilterRule]:
        """``devices/filter`` rules in order (malformed ones: see :meth:`filter_problems`)."""
        return self._rules("filter")

    @property
    def global_filter(self) -> list[FilterRule]:
        """The ``devices/global_filter`` rules (as :attr:`filter`)."""
        return self._rules("global_filter")

    def filter_problems(self) -> Iterator[ValueProblem]:
        """A problem (node: the ``filter`` setting) for each filter entry LVM would reject."""
        for key in ("filter", "global_filter"):
            s = self.setting(f"devices/{key}")
            for v in s.values if s is not None else []:
                try:
                    parse_filter(v)
                except ValidationError as exc:
                    yield ValueProblem(s, exc.message)

    def accepts(self, device: str) -> bool:
        """Whether ``filter`` lets LVM scan ``device`` (first matching rule wins).
        ``global_filter`` is not consulted here (:attr:`global_filter`; lint checks
        a device against both)."""
        import re

        for rule in self.filter:
            try:
                if re.search(rule.regex, device):
                    return rule.accept
            except re.error:
                continue
        return True

    def set_filter(self, rules: list[tuple[str, str]]) -> None:
        """Replace ``devices/filter`` by ``(action, regex)`` pairs, ``|``-delimited
        (``[("a", "^/dev/mapper/"), ("r", ".*")]``; the first rule that matches a
        device decides). An action other than ``a`` (accept) or ``r`` (reject) is a
        ValueError: LVM refuses the filter ("Pattern must begin with 'a' or 'r'")."""
        self.set("devices/filter", _filter_values(rules))

    def set_global_filter(self, rules: list[tuple[str, str]]) -> None:
        """Replace ``devices/global_filter`` (a device must pass it too, and lvmetad
        scans only what it accepts) as :meth:`set_filter` does ``filter``."""
        self.set("devices/global_filter", _filter_values(rules))

    @property
    def global_settings(self) -> dict[str, Any]:
        """The ``global`` section (``locking_type`` 3 = clustered via clvmd)."""
        return {k[7:]: v for k, v in self.flat().items() if k.startswith("global/")}

    @property
    def locking_type(self) -> int | None:
        v = self.get("global/locking_type")
        return v if isinstance(v, int) else None

    def repeated(self) -> list[tuple[Node, Node]]:
        """``(later, first)`` for a setting or section named twice in one section."""
        out: list[tuple[Node, Node]] = []

        def visit(node: Node) -> None:
            first: dict[str, Node] = {}
            for c in node.child_nodes():
                if isinstance(c, (Setting, Block)):
                    earlier = first.setdefault(c.key, c)
                    if earlier is not c:
                        out.append((c, earlier))
                    elif isinstance(c, Block):
                        visit(c)

        visit(self)
        return out

    def repeat_message(self, later: Node) -> str:
        """What LVM makes of a repeat: which one it reads depends on the release.

        LVM2 2.02's lookup (lib/config/config.c ``_find_config_node``) takes the
        first node of a name and logs "Ignoring duplicate config node" for the
        others, a whole repeated section included; libdm's later parser
        (libdm-config.c ``_section``) merges repeated sections and keeps the last
        value, logging "Ignoring duplicate config value".
        """
        key = getattr(later, "key", "?")
        if isinstance(later, Block):
            return (
                f"section '{key}' appears again: LVM2 2.02 ignores this one whole"
                ' ("Ignoring duplicate config node"), later releases merge it: use one'
            )
        return (
            f"'{key}' is set again: LVM2 2.02 reads the first one, later releases this one"
            ' (both warn "Ignoring duplicate config ..."): keep one'
        )

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """Top-level sections lvm.conf(5) does not document; a top-level ``section/key``
        setting is read only by LVM2 2.02.113 and later (:meth:`setting`): a "newer"
        problem, since the releases before it skip the line without a word."""
        paths = {id(s) for s in self.path_settings()}
        for p in keyword_problems_for(self, dict.fromkeys(SECTIONS, frozenset())):
            if id(p.node) in paths:
                yield KeywordProblem(
                    p.node,
                    "newer",
                    p.keyword,
                    "LVM2 2.02.113 and later (read as a setting of its section; older"
                    " releases ignore the line): write it inside its section",
                )
            else:
                yield p

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "settings": self.flat(),
            "filter": [{"action": r.action, "regex": r.regex} for r in self.filter],
            "global_filter": [{"action": r.action, "regex": r.regex} for r in self.global_filter],
        }


_BUILDER = Builder(LvmDocument)


def parse(text: str, path: str | None = None) -> LvmDocument:
    """Parse lvm.conf text; raises :class:`xencfg.ParseError`."""
    doc: LvmDocument = parse_lvmlike(text, path, _BUILDER)
    return doc


def sniff(text: str) -> bool:
    """lvm.conf's sections with ``key = value`` settings (drbd.conf has a
    ``global {`` too, but its statements end in ``;`` and have no ``=``)."""
    import re

    return (
        re.search(r"^[ \t]*(devices|global|activation|allocation)\s*\{", text, re.M) is not None
        and re.search(r"^[ \t]*\w+\s*=", text, re.M) is not None
        and re.search(r";\s*(#.*)?$", text, re.M) is None
    )


def _filter_values(rules: list[tuple[str, str]]) -> list[Value]:
    """``a|REGEX|`` / ``r|REGEX|`` strings, refusing an action LVM does not know."""
    for action, _ in rules:
        if action not in ("a", "r"):
            raise ValidationError(f"a filter rule's action is 'a' or 'r', not {action!r}")
    return [f"{a}|{r}|" for a, r in rules]
