"""Hypothesis strategies for heartbeat 2 (pacemaker-0.6) and Pacemaker 1.0 CIBs: the
shapes the converter rewrites (0.6 option spellings, options as XML or instance
attributes, ``:`` and digit-led ids, duplicate ids, ``type="before"`` orders, roles,
fractional and lower-case scores, stopped and unmanaged resources, stonith devices)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import quoteattr

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]

IDS = ["ip", "fs", "web", "db", "vm1", "a:1", "1st", "x.y", "drbd"]
SCORES = ["INFINITY", "infinity", "-INFINITY", "-infinity", "0", "100", "100.5", "-50", "+INFINITY"]
ROLES = ["", "master", "slave", "started", "Master", "stopped"]
ACTIONS = ["", "start", "stop", "promote", "demote"]
BOOLS = ["true", "false", "yes", "no", "on", "off", "1", "0", "TRUE"]


def _attrs(pairs: dict[str, str]) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in pairs.items() if v != "")


class _Gen:
    def __init__(self, draw: Draw, hb2: bool) -> None:
        self.draw = draw
        self.hb2 = hb2
        self.n = 0
        self.names: list[str] = []  # resource ids that constraints may name
        self.promotable: list[str] = []

    def uid(self, base: str) -> str:
        self.n += 1
        return f"{base}{self.n}"

    def pick(self, seq: list[Any]) -> Any:
        return self.draw(st.sampled_from(seq))

    def nvset(self, tag: str, owner: str, pairs: list[tuple[str, str]]) -> str:
        if not pairs:
            return ""
        nvs = "".join(
            f'<nvpair id="{self.uid(owner + "-nv")}" name={quoteattr(k)} value={quoteattr(v)}/>'
            for k, v in pairs
        )
        if self.hb2 and self.draw(st.booleans()):
            nvs = f"<attributes>{nvs}</attributes>"
        return f'<{tag} id="{self.uid(owner + "-set")}">{nvs}</{tag}>'

    def options(self) -> str:
        pairs = []
        for opt, values in (
            ("stonith_enabled", BOOLS),
            ("no_quorum_policy", ["stop", "ignore", "freeze", "suicide"]),
            ("symmetric_cluster", BOOLS),
            ("is_managed_default", BOOLS),
            ("default_resource_stickiness", ["0", "100", "INFINITY"]),
            ("default_resource_failure_stickiness", ["-30", "-INFINITY", "0"]),
            ("transition_idle_timeout", ["60s"]),
        ):
            if self.draw(st.booleans()):
                name = opt if self.hb2 and self.draw(st.booleans()) else opt.replace("_", "-")
                pairs.append((name, self.pick(values)))
        if self.draw(st.booleans()):
            # both spellings of one option, either order: the CRM reads the dashed one
            opt, values = self.pick([
                ("stonith_enabled", ["true", "false"]), ("no_quorum_policy", ["stop", "ignore"]),
                ("startup_fencing", ["true", "false"]), ("symmetric_cluster", ["true", "false"]),
            ])  # fmt: skip
            two = [(opt, self.pick(values)), (opt.replace("_", "-"), self.pick(values))]
            if self.hb2 or opt == "startup_fencing":
                pairs += two if self.draw(st.booleans()) else two[::-1]
        if not pairs:
            return ""
        return self.nvset("cluster_property_set", "cib-bootstrap-options", pairs)

    def ops(self, rid: str) -> str:
        found: dict[tuple[str, str], str] = {}  # one op per name and interval (CB030)
        for _ in range(self.draw(st.integers(0, 3))):
            name = self.pick(["monitor", "start", "stop", "promote"])
            interval = self.pick(["10s", "20s"]) if name == "monitor" else self.pick(["", "0"])
            interval = interval or ("" if self.hb2 else "0")  # 1.0 requires it
            attrs = {"id": self.uid(rid + "-op"), "name": name, "interval": interval}
            attrs["timeout"] = self.pick(["", "30s"])
            if self.hb2:
                attrs["disabled"] = self.pick(["", "true", "false", "yes"])
                attrs["prereq"] = self.pick(["", "nothing", "fencing"])
                attrs["on_fail"] = self.pick(["", "restart", "stop", "block"])
            else:
                attrs["on-fail"] = self.pick(["", "restart", "stop", "block"])
            found.setdefault((name, interval or "0"), f"<op{_attrs(attrs)}/>")
        return f"<operations>{''.join(found.values())}</operations>" if found else ""

    def options_of(
        self, rid: str, kind: str
    ) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
        """(XML attributes, meta pairs, instance pairs) carrying resource options."""
        xml: dict[str, str] = {}
        meta: list[tuple[str, str]] = []
        inst: list[tuple[str, str]] = []
        wanted = [("target_role", self.pick(["stopped", "Stopped", "started", "master"]))]
        wanted.append(("is_managed", self.pick(["false", "true", "no"])))
        wanted.append(("resource_stickiness", self.pick(["0", "100", "INFINITY"])))
        if kind in ("clone", "master_slave"):
            wanted += [("clone_max", "2"), ("notify", "true")]
        for key, value in wanted:
            if not self.draw(st.booleans()):
                continue
            where = self.pick(["xml", "meta", "inst"] if self.hb2 else ["meta"])
            if where == "xml":
                xml[key] = value
            elif where == "meta":
                meta.append((key.replace("_", "-") if not self.hb2 else key, value))
            else:
                inst.append((key, value))
        return xml, meta, inst

    def primitive(self, in_clone: str | None = None) -> str:
        rid = self.pick(IDS) if self.draw(st.booleans()) else self.uid("r")
        if not self.hb2 or (rid in self.names and self.draw(st.booleans())):
            rid = self.uid("r")  # 1.0 ids are unique XML names
        cls = self.pick(
            ["ocf", "lsb", "stonith", "heartbeat"] if self.hb2 else ["ocf", "lsb", "stonith"]
        )
        agent = {
            "ocf": "IPaddr2",
            "lsb": "apache",
            "stonith": "external/ipmi",
            "heartbeat": "drbddisk",
        }[cls]
        if in_clone == "master_slave":
            cls, agent = "ocf", "Stateful"
        attrs = {"id": rid, "class": cls, "type": agent}
        if cls == "ocf":
            attrs["provider"] = "heartbeat"
        xml, meta, inst = self.options_of(rid, "primitive")
        inst.append(("ip" if cls != "stonith" else "hostname", self.pick(["10.0.0.1", "n1"])))
        if xml:
            attrs.update(xml)
        self.names.append(rid)
        body = (
            self.nvset("meta_attributes", rid, meta)
            + self.ops(rid)
            + self.nvset("instance_attributes", rid, inst)
        )
        return f"<primitive{_attrs(attrs)}>{body}</primitive>"

    def resource(self) -> str:
        kind = self.pick(["primitive", "primitive", "group", "clone", "master_slave"])
        if kind == "primitive":
            return self.primitive()
        rid = self.uid(self.pick(["grp", "cl:", "ms"]) if self.hb2 else "grp")
        xml, meta, inst = self.options_of(rid, kind)
        if kind == "group":
            inst = [kv for kv in inst if kv[0] != "target_role"] or inst
            children = "".join(self.primitive() for _ in range(self.draw(st.integers(1, 2))))
        else:
            children = self.primitive(kind)
        tag = kind if self.hb2 else ("master" if kind == "master_slave" else kind)
        if kind == "master_slave":
            self.promotable.append(rid)
        self.names.append(rid)
        body = self.nvset("meta_attributes", rid, meta) + (
            self.nvset("instance_attributes", rid, inst) if self.hb2 else ""
        )
        return f"<{tag}{_attrs({'id': rid, **xml})}>{body}{children}</{tag}>"

    def constraint(self) -> str:
        a, b = self.pick(self.names), self.pick(self.names)
        cid = self.uid(self.pick(["c", "c:", "1c"]) if self.hb2 else "c")
        kind = self.pick(["order", "colocation", "location"])
        s = self.pick(
            SCORES if self.hb2 else [x for x in SCORES if x.upper() == x and "." not in x]
        )
        if kind == "order":
            if self.hb2:
                attrs = {
                    "from": a,
                    "to": b,
                    "type": self.pick(["", "after", "before"]),
                    "action": self.pick(ACTIONS),
                    "to_action": self.pick(ACTIONS),
                    "score": s,
                    "symmetrical": self.pick(["", "true", "false"]),
                }
            else:
                attrs = {
                    "first": a,
                    "then": b,
                    "first-action": self.pick(ACTIONS),
                    "then-action": self.pick(ACTIONS),
                    "score": s,
                }
            return f"<rsc_order{_attrs({'id': cid, **attrs})}/>"
        if kind == "colocation":
            if self.hb2:
                attrs = {
                    "from": a,
                    "to": b,
                    "from_role": self.pick(ROLES),
                    "to_role": self.pick(ROLES),
                }
            else:
                attrs = {
                    "rsc": a,
                    "with-rsc": b,
                    "rsc-role": self.pick(["", "Master", "Started"]),
                    "with-rsc-role": self.pick(["", "Master", "Slave"]),
                }
            return f"<rsc_colocation{_attrs({'id': cid, 'score': s, **attrs})}/>"
        if self.draw(st.booleans()):
            return f"<rsc_location{_attrs({'id': cid, 'rsc': a, 'node': 'n1', 'score': s})}/>"
        rid = self.uid("rule")
        expr = self.pick(
            [
                ""
                if self.hb2
                else f'<expression id="{rid}-d" attribute="#uname" operation="defined"/>',
                f'<expression id="{rid}-e" attribute="#uname" operation="eq" value="n2"/>',
                f'<expression id="{rid}-e" attribute="pingd" operation="lte" value="0"/>',
            ]
        )
        scores = ["0", "100", "INFINITY", "-INFINITY"] + (["", "50.5", "infinity"] * self.hb2)
        role = self.pick(["", "master"] if self.hb2 else ["", "Master"])
        rule = f"<rule{_attrs({'id': rid, 'score': self.pick(scores), 'role': role})}>{expr}</rule>"
        return f"<rsc_location{_attrs({'id': cid, 'rsc': a})}>{rule}</rsc_location>"


@st.composite
def cibs(draw: Draw, hb2: bool | None = None) -> str:
    """A heartbeat 2 (``hb2``) or Pacemaker 1.0 CIB, as text."""
    if hb2 is None:
        hb2 = draw(st.booleans())
    g = _Gen(draw, hb2)
    opts = g.options()
    rsc = "".join(g.resource() for _ in range(draw(st.integers(1, 4))))
    cons = "".join(g.constraint() for _ in range(draw(st.integers(0, 4))))
    schema = "" if hb2 else ' validate-with="pacemaker-1.0"'
    nodes = '<node id="n1" uname="n1" type="normal"/><node id="n2" uname="n2" type="normal"/>'
    return (
        f'<cib admin_epoch="0" epoch="1" num_updates="0"{schema}><configuration>'
        f"<crm_config>{opts}</crm_config><nodes>{nodes}</nodes>"
        f"<resources>{rsc}</resources><constraints>{cons}</constraints>"
        "</configuration><status/></cib>"
    )
