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

from ...errors import ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem
from ...syntax.blocks import Block
from ...syntax.tree import Node
from ..schema import Keyword, Schema, V
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

#: LVM 2.03.00 removed clvmd and lvmetad (WHATS_NEW 2.03.00): its config_settings.h marks
#: their settings deprecated from 2.03.0, and 2.03 ignores them. ``lvmconfig --typeconfig
#: full --withversions --showdeprecated`` (LVM 2.03.16 on this machine) prints each one's
#: "Available since version" and "Deprecated since version 2.3.0" (2.3.0 is 2.03.00);
#: ``lvmconfig -vvvv --validate`` of ``locking_type = 3`` logs lvmcmdline.c:3261 "WARNING:
#: locking_type (3) is deprecated, using file locking" (2: the same; 0 and 5: "using
#: --nolocking", line 3252) and of ``use_lvmetad = 1`` nothing: "LVM configuration valid".
LVM_NO_CLVMD = V("2.03")
#: The ``locking_type`` values 2.03 still acts on (tools/lvmcmdline.c of 2.03.16, line
#: 3252: 0 and 5 "using --nolocking", 4 "using --sysinit --readonly"; LV003).
LOCKING_STILL_READ = ("0", "4", "5")
_LOCKD = "for shared VGs use lvmlockd: use_lvmlockd = 1 and a dlm or sanlock VG (lvmlockd(8))"

#: The release facts of the settings a cluster's locking turns on (tests/test_lvm_releases.py).
_FACTS = (
    Keyword(
        "locking_type",
        type="int",
        default=1,
        until=LVM_NO_CLVMD,
        instead=_LOCKD,
        still_acts=LOCKING_STILL_READ,
    ),
    Keyword("locking_library", type="str", until=LVM_NO_CLVMD, instead=_LOCKD),
    *(
        Keyword(k, type="bool", default=True, since=V("2.02.42"), until=LVM_NO_CLVMD)
        for k in ("fallback_to_clustered_locking", "fallback_to_local_locking")
    ),
    Keyword("use_lvmetad", type="bool", since=V("2.02.93"), until=LVM_NO_CLVMD),
    Keyword("lvmetad_update_wait_time", type="int", since=V("2.02.151"), until=LVM_NO_CLVMD),
    Keyword("use_lvmlockd", type="bool", default=False, since=V("2.02.124")),
)

#: The sections (context ``top``, read by every release) and the settings with release
#: facts; other settings are read by every release we know (no verdict).
SCHEMA = Schema.build(
    "lvm2",
    "LVM",
    {"top": SECTIONS, "global": [k.name for k in _FACTS]},
    _FACTS,
    refuses=False,  # LVM warns of a setting it does not know and goes on
    reference=V("2.03.16"),
)


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
    :class:`xencfg.ValidationError` with LVM's words. LVM2 lib/filters/filter-regex.c
    ``_extract_pattern``: the first character is ``a`` or ``r``, the second the
    separator (``(``, ``[`` and ``{`` are closed by their pair), and the *last* one must
    be that separator; the regex is what lies between."""
    if not raw or raw[0] not in "ar":
        raise ValidationError(f"filter pattern {raw!r}: 'Pattern must begin with 'a' or 'r''")
    sep = {"(": ")", "[": "]", "{": "}"}.get(raw[1:2], raw[1:2])
    if len(raw) < 3 or raw[-1] != sep:
        raise ValidationError(f"filter pattern {raw!r}: 'Invalid separator at end of regex'")
    return FilterRule(raw[0], raw[2:-1], raw)


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
        """A problem (node: the ``filter`` setting) for each filter entry LVM refuses:
        it then fails to build its device filter and every command stops (lvm pvs
        2.03.16: "Invalid filter pattern ...", "Failed to create regex device filter",
        rc 5; a number in the list: "Filter patterns must be enclosed in quotes")."""
        for key in ("filter", "global_filter"):
            s = self.setting(f"devices/{key}")
            for v in s.values if s is not None else []:
                try:
                    if not isinstance(v, str):
                        raise ValidationError(
                            f"filter pattern {v!r}: 'Filter patterns must be enclosed in quotes'"
                        )
                    parse_filter(v)
                except ValidationError as exc:
                    yield ValueProblem(
                        s,
                        f"devices/{key}: LVM refuses {exc.message}, fails to build its device"
                        " filter and every LVM command stops (vgchange, lvs, the cluster's LVM"
                        " agent): write 'a|REGEX|' or 'r|REGEX|'",
                    )

    def value_problems(self) -> Iterator[ValueProblem]:
        """What LVM refuses in a value (XC005): the filter patterns above."""
        return self.filter_problems()

    def accepts(self, device: str) -> bool:
        """Whether ``filter`` lets LVM scan ``device`` (first matching rule wins).
        ``global_filter`` is not consulted here (:attr:`global_filter`; lint checks
        a device against both)."""
        import re

        need_str(device, "accepts(device)")
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

    def keyword_uses(self) -> Iterator[tuple[str, str, Setting]]:
        """``(section, key, setting)`` for each setting of a section, written inside it
        or as a top-level ``section/key``: what :data:`SCHEMA`'s release facts judge."""
        for c in self.children:
            if isinstance(c, Block):
                for s in c.child_nodes():
                    if isinstance(s, Setting):
                        yield c.key, s.key, s
            elif isinstance(c, Setting) and "/" in c.key:
                section, _, key = c.key.partition("/")
                yield section, key, c

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
    ``global {`` too, but its statements end in ``;`` and have no ``=``). A ``;`` in
    a comment does not count: the stock lvm.conf of LVM 2.02.1xx/2.03 documents
    ``report/time_format`` with lines ending in one ("... (range 0 to 23);")."""
    import re

    return (
        re.search(r"^[ \t]*(devices|global|activation|allocation)\s*\{", text, re.M) is not None
        and re.search(r"^[ \t]*\w+\s*=", text, re.M) is not None
        and re.search(r"^[^#\n]*;[ \t]*(#.*)?$", text, re.M) is None
    )


def _filter_values(rules: list[tuple[str, str]]) -> list[Value]:
    """``a|REGEX|`` / ``r|REGEX|`` strings, refusing an action LVM does not know."""
    if not isinstance(rules, (list, tuple)) or not all(
        isinstance(r, (list, tuple)) and len(r) == 2 for r in rules
    ):
        raise TypeError(f"a filter is a list of (action, regex) pairs, not {rules!r}")
    for action, _ in rules:
        if action not in ("a", "r"):
            raise ValidationError(f"a filter rule's action is 'a' or 'r', not {action!r}")
    return [f"{a}|{r}|" for a, r in rules]
