"""LIO's saved target configuration, ``/etc/target/saveconfig.json`` (targetcli,
``targetctl restore`` at boot; ``/etc/rtslib-fb-target/`` with older rtslib-fb):
read-only.

The layout is rtslib-fb's ``RTSRoot.dump`` (saveconfig.json(5)): ``storage_objects``
(``name``, ``plugin`` such as ``block`` or ``fileio``, ``dev``, and ``wwn``, the unit
serial from which the initiators' scsi_id makes the LUN's WWID), ``targets`` (``wwn``
the target's IQN, ``fabric``, ``tpgs``), each TPG with its ``portals``
(``ip_address``, ``port``), ``luns`` (``index``, ``storage_object`` as
``/backstores/PLUGIN/NAME``), ``node_acls`` (``node_wwn``, the initiator's name;
``mapped_luns`` with ``tpg_lun``; CHAP ``chap_userid``/``chap_password``) and
``attributes`` (``generate_node_acls``: 1 admits any initiator). ``fabric_modules``
may hold the discovery CHAP account.

``targetctl restore`` reads the file with Python's ``json`` module; anything else is
refused as a whole, so a syntax error is a :class:`xencfg.ParseError` at the line and
column ``json`` names. Members of a type rtslib would not take are read as absent
(the rules say nothing of them). Each object keeps the offset of its ``{`` so a
finding points at its line.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs

from ..document import SourceDocument
from ..errors import ParseError, need_str

FORMAT = "lio-saveconfig"
#: No syntax tree to make light: one parse (a refused file is not read a second time).
LIGHT = False

#: A JSON string (skipped; a run of plain characters read in one step) or an object's
#: opening brace: the braces in document order.
_BRACE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|\{')

#: Keys whose values are secrets (CHAP passwords of ACLs, TPGs and discovery).
SECRET_KEYS = frozenset(
    {"chap_password", "chap_mutual_password", "discovery_password", "discovery_mutual_password"}
)


def _str(v: object) -> str | None:
    return v if isinstance(v, str) else None


def _int(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _list(v: object) -> list[Any]:
    return v if isinstance(v, list) else []


def _dict(v: object) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


@attrs.define
class StorageObject:
    """A backstore: ``/backstores/PLUGIN/NAME`` in the LUNs that export it."""

    name: str | None
    plugin: str | None
    dev: str | None
    #: The unit serial (a UUID): the LUN's WWID is made from it (``wwid.lio_wwid``).
    wwn: str | None
    offset: int = attrs.field(default=-1, eq=False, repr=False)

    @property
    def path(self) -> str:
        return f"/backstores/{self.plugin}/{self.name}"


@attrs.define
class Lun:
    """A TPG's LUN: its number and the storage object it exports (``/backstores/P/N``)."""

    index: int | None
    storage_object: str | None
    offset: int = attrs.field(default=-1, eq=False, repr=False)


@attrs.define
class MappedLun:
    """A LUN an ACL's initiator sees: its number there and the TPG LUN behind it."""

    index: int | None
    tpg_lun: int | None
    offset: int = attrs.field(default=-1, eq=False, repr=False)


@attrs.define
class NodeAcl:
    """An initiator the TPG admits (by its iSCSI name) and the LUNs it sees."""

    node_wwn: str | None
    mapped_luns: list[MappedLun] = attrs.Factory(list)
    chap_userid: str | None = None
    offset: int = attrs.field(default=-1, eq=False, repr=False)


@attrs.define
class Portal:
    """An address and port the TPG listens on (``0.0.0.0``: every address)."""

    ip_address: str | None
    port: int | None
    offset: int = attrs.field(default=-1, eq=False, repr=False)


@attrs.define
class Tpg:
    """A target portal group: portals, LUNs, ACLs and attributes."""

    tag: int | None
    enable: bool
    attributes: dict[str, Any] = attrs.Factory(dict)
    portals: list[Portal] = attrs.Factory(list)
    luns: list[Lun] = attrs.Factory(list)
    node_acls: list[NodeAcl] = attrs.Factory(list)
    offset: int = attrs.field(default=-1, eq=False, repr=False)

    @property
    def generate_node_acls(self) -> bool:
        """Demo mode: any initiator logs in and sees every LUN (the ACLs are not asked)."""
        return str(self.attributes.get("generate_node_acls", 0)) == "1"

    def lun(self, index: int) -> Lun | None:
        return next((lun for lun in self.luns if lun.index == index), None)


@attrs.define
class Target:
    """A target: its name (``wwn``, the IQN for iSCSI), fabric and portal groups."""

    wwn: str | None
    fabric: str | None
    tpgs: list[Tpg] = attrs.Factory(list)
    offset: int = attrs.field(default=-1, eq=False, repr=False)


@attrs.define(weakref_slot=False)
class SaveconfigDocument(SourceDocument):
    """A parsed saveconfig.json: its storage objects and targets."""

    format = FORMAT
    storage_objects: list[StorageObject] = attrs.Factory(list)
    targets: list[Target] = attrs.Factory(list)
    _secrets: list[str] = attrs.field(factory=list, eq=False, repr=False)

    def storage_object(self, path: str | None) -> StorageObject | None:
        """The storage object a LUN's ``storage_object`` names, as rtslib-fb's
        ``LUN.setup`` finds it (the plugin and the name after ``/backstores/``)."""
        parts = need_str(path or "", "storage_object(path)").split("/")[2:]
        if len(parts) != 2:
            return None
        plugin, name = parts
        return next(
            (s for s in self.storage_objects if s.plugin == plugin and s.name == name), None
        )

    @property
    def iscsi_targets(self) -> list[Target]:
        return [t for t in self.targets if (t.fabric or "iscsi") == "iscsi"]

    def position(self, where: object) -> tuple[int, int]:
        """1-based ``(line, column)`` of an object's ``{`` (or an offset)."""
        offset = getattr(where, "offset", where)
        return super().position(offset if isinstance(offset, int) and offset >= 0 else None)

    def secrets(self) -> list[str]:
        return list(self._secrets)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "storage_objects": [
                {"name": s.name, "plugin": s.plugin, "dev": s.dev, "wwn": s.wwn}
                for s in self.storage_objects
            ],
            "targets": [
                {
                    "wwn": t.wwn,
                    "fabric": t.fabric,
                    "tpgs": [
                        {
                            "tag": g.tag,
                            "enable": g.enable,
                            "generate_node_acls": g.generate_node_acls,
                            "portals": [f"{p.ip_address}:{p.port}" for p in g.portals],
                            "luns": {str(n.index): n.storage_object for n in g.luns},
                            "node_acls": [a.node_wwn for a in g.node_acls],
                        }
                        for g in t.tpgs
                    ],
                }
                for t in self.targets
            ],
        }


def _offsets(data: Any, braces: list[int]) -> dict[int, int]:
    """``id(object) -> offset of its '{'``: objects in pre-order are the braces in order."""
    out: dict[int, int] = {}
    it = iter(braces)
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            out[id(v)] = next(it, -1)
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(reversed(v))
    return out


def _collect_secrets(data: Any, out: list[str]) -> None:
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                if k in SECRET_KEYS and isinstance(x, str) and x:
                    out.append(x)
                else:
                    stack.append(x)
        elif isinstance(v, list):
            stack.extend(v)


def _fail(message: str, text: str, path: str | None, line: int = 1, column: int = 1) -> ParseError:
    return ParseError(message, path=path, line=line, column=column, text=text)


def parse(text: str, path: str | None = None) -> SaveconfigDocument:
    """Parse saveconfig.json; a :class:`xencfg.ParseError` where ``json`` (as
    ``targetctl restore`` reads it) refuses the text, or where the top is no object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(f"not JSON: {exc.msg}", text, path, exc.lineno, exc.colno) from None
    except RecursionError:
        raise _fail("JSON nested too deep", text, path) from None
    except ValueError:  # an integer past int()'s 4,300 digits
        raise _fail("not JSON targetctl reads: a number too long", text, path) from None
    if not isinstance(data, dict):
        raise _fail("expected a JSON object (storage_objects, targets)", text, path)
    at = _offsets(data, [m.start() for m in _BRACE.finditer(text) if m.group() == "{"])

    def off(obj: object) -> int:
        return at.get(id(obj), -1)

    doc = SaveconfigDocument(path=path, source=text)
    for so in _list(data.get("storage_objects")):
        if isinstance(so, dict):
            doc.storage_objects.append(
                StorageObject(
                    _str(so.get("name")),
                    _str(so.get("plugin")),
                    _str(so.get("dev")),
                    _str(so.get("wwn")),
                    off(so),
                )
            )
    for t in _list(data.get("targets")):
        if not isinstance(t, dict):
            continue
        target = Target(_str(t.get("wwn")), _str(t.get("fabric")), offset=off(t))
        for g in _list(t.get("tpgs")):
            if not isinstance(g, dict):
                continue
            tpg = Tpg(
                _int(g.get("tag")),
                g.get("enable", True) not in (False, 0),
                _dict(g.get("attributes")),
                offset=off(g),
            )
            for p in _list(g.get("portals")):
                if isinstance(p, dict):
                    tpg.portals.append(
                        Portal(_str(p.get("ip_address")), _int(p.get("port")), off(p))
                    )
            for lun in _list(g.get("luns")):
                if isinstance(lun, dict):
                    tpg.luns.append(
                        Lun(_int(lun.get("index")), _str(lun.get("storage_object")), off(lun))
                    )
            for a in _list(g.get("node_acls")):
                if not isinstance(a, dict):
                    continue
                mapped = [
                    MappedLun(_int(m.get("index")), _int(m.get("tpg_lun")), off(m))
                    for m in _list(a.get("mapped_luns"))
                    if isinstance(m, dict)
                ]
                tpg.node_acls.append(
                    NodeAcl(_str(a.get("node_wwn")), mapped, _str(a.get("chap_userid")), off(a))
                )
            target.tpgs.append(tpg)
        doc.targets.append(target)
    _collect_secrets(data, doc._secrets)
    return doc
