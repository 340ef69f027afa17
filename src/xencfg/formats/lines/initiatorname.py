"""open-iscsi's initiatorname.iscsi: this node's iSCSI name (``InitiatorName=IQN``).

Targets grant access by initiator name, so two nodes with one name log each
other out, and a malformed name is refused by stricter targets. The file
holds ``InitiatorName=`` and, optionally, ``InitiatorAlias=``; iscsid reads
no other key. Debian's package ships the file with ``GenerateName=yes``
instead of a name: ``/lib/open-iscsi/startup-checks.sh`` (iscsid.service's
``ExecStartPre``) replaces it with a fresh ``InitiatorName=`` before iscsid
starts, so that key is known too and stands in for a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ...problems import KeywordProblem, ValueProblem
from ...suggest import suggest
from ...syntax.blocks import Entry
from ..schema import Keyword
from ..view import Setting, schema_of
from ._base import parser_for
from ._iqn import UPPER_CASE, iqn_problem
from .iscsid import IscsidStyle, OpenIscsiDocument

FORMAT = "initiatorname"
STYLE = IscsidStyle(indent="", separator="=")


@attrs.define(weakref_slot=False)
class InitiatorNameDocument(OpenIscsiDocument):
    """A parsed initiatorname.iscsi."""

    format = FORMAT
    style = STYLE

    name = Setting(
        "InitiatorName", doc="The initiator's iSCSI name (the first ``InitiatorName=`` line wins)."
    )
    alias = Setting("InitiatorAlias", read_only=True)

    def entry(self, key: str) -> Entry | None:
        """The *first* line named ``key``: iscsid reads this file with
        ``cfg_get_string_param`` (iscsi_util.c), which stops at the first line
        holding the key."""
        found = self.entries(key)
        return found[0] if found else None

    def repeat_message(self, later: Entry) -> str:
        """A repeated key: iscsid keeps the first line, not this one."""
        return (
            f"'{later.key}' is set again: iscsid reads the first line only"
            " (cfg_get_string_param stops there), not this one: keep one"
        )

    @property
    def generates_name(self) -> bool:
        """Debian's ``GenerateName=yes``: a name is generated at the first start of iscsid
        (startup-checks.sh greps for exactly ``^GenerateName=yes``)."""
        return any(e.values == ["yes"] for e in self.entries("GenerateName"))

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        for e in self.entries():
            if e.key not in KNOWN:
                yield KeywordProblem(e, "unknown", e.key, suggest(e.key, KNOWN))

    def value_problems(self) -> Iterator[ValueProblem]:
        """A missing or malformed name (iscsid refuses to start without one)."""
        names = self.entries("InitiatorName")
        if not names and not self.generates_name:
            first = self.children[0] if self.children else None
            yield ValueProblem(first, "no InitiatorName: iscsid does not start")
        for e in names:
            problem = iqn_problem(e.values[0]) if e.values else "InitiatorName is empty"
            if problem:
                yield ValueProblem(e, problem, harmless=problem == UPPER_CASE)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {"format": FORMAT, "name": self.name, "alias": self.alias}


#: initiatorname.iscsi's schema: its Settings and Debian's ``GenerateName=yes``.
SCHEMA = schema_of(
    "open-iscsi",
    "open-iscsi",
    {"top": InitiatorNameDocument},
    refuses=False,
    extra={"top": [Keyword("GenerateName", type="yes")]},
)
#: The keys iscsid (and Debian's start-up script) read.
KNOWN = frozenset(SCHEMA.contexts["top"])

parse = parser_for(InitiatorNameDocument)


def sniff(text: str) -> bool:
    return re.search(r"^[ \t]*InitiatorName\s*=", text, re.M) is not None
