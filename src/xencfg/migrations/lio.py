"""IET (ietd.conf and its access lists) to LIO: a targetcli ``saveconfig.json`` and
the equivalent ``targetcli`` script, with a report of every change.

The layout is rtslib-fb's (``saveconfig.json(5)``; ``RTSRoot.restore`` in
rtslib/root.py reads it): storage objects (``block`` for IET's blockio, ``fileio``
for fileio), and iSCSI targets with one TPG each holding the LUNs, the portals,
CHAP accounts and one ACL per initiator name of initiators.allow.

**LUN identity.** Initiators' multipath keys each LUN by the WWID udev's
``scsi_id`` reads from VPD page 0x83. IET answers there with a T10 vendor id
(``IET`` and the 16 bytes of ``ScsiId``: WWIDs such as ``1494554000000000...``);
LIO always answers with an NAA id made from the LUN's unit serial
(``36001405`` and the serial's first 25 hex digits, target_core_spc.c), and
``scsi_id`` prefers NAA ids to T10 vendor ids (scsi_serial.c's search list). So
every WWID changes in the move: the report gives each LUN's new WWID, and the
multipath entries and domU disks that name the old one. The unit serial is made
from the target name, LUN number and ``ScsiId``, so two storage nodes that export
the same LUN (a failover pair) give it the same new WWID.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..formats.lines.ietallow import IetAllowDocument
from ..formats.lines.ietd import IET_MAX_LUN, IetdDocument, Lun, Target
from ..secrets import MASK
from ..wwid import IET_VENDOR_HEX, iet_wwid, lio_wwid
from . import Change

#: The namespace of the unit serials we make (a fixed, arbitrary UUID).
SERIAL_NAMESPACE = uuid.UUID("5b0f6a53-8f6e-4c38-9f0e-3c1f4b6a2d11")
#: iSCSI session keys ietd.conf and LIO's TPG parameters share (same names).
SHARED_PARAMS = (
    "MaxConnections",
    "InitialR2T",
    "ImmediateData",
    "MaxRecvDataSegmentLength",
    "MaxXmitDataSegmentLength",
    "MaxBurstLength",
    "FirstBurstLength",
    "DefaultTime2Wait",
    "DefaultTime2Retain",
    "MaxOutstandingR2T",
    "DataPDUInOrder",
    "DataSequenceInOrder",
    "ErrorRecoveryLevel",
    "HeaderDigest",
    "DataDigest",
)
_REGEX_CHARS = re.compile(r"[*+?()\[\]{}|^$]")
#: The iSCSI names rtslib-fb takes, once lower-cased (rtslib_fb/utils.py, normalize_wwn:
#: ``iqn\.[0-9]{4}-[0-1][0-9]\..*\..*`` without blanks or underscores, eui and naa ids)
_IQN = re.compile(r"iqn\.[0-9]{4}-[0-1][0-9]\..*\..*")
_EUI_NAA = re.compile(r"eui\.[0-9a-f]{16}$|naa\.[125][0-9a-f]{15}$")
#: A value targetcli's command line reads whole: configshell-fb's value word (shell.py,
#: ``Word(alphanums + r'?;&*$!#,=_\\+/.<>()~@:-%[]')``, parsed without parseAll): at a
#: blank or a quote the value ends, so ``TargetAlias='Web store'`` sets '' unsaid.
_TARGETCLI_WORD = re.compile(r"[A-Za-z0-9?;&*$!#,=_\\+/.<>()~@:%\[\]-]+")


def lio_name(name: str) -> str | None:
    """``name`` as rtslib-fb stores it for a target or an ACL (lower case), or None
    where it refuses it ("WWN not valid as: iqn, naa, eui": ``targetctl restore`` then
    skips the target or ACL with everything in it)."""
    clean = name.strip().lower()
    if _IQN.match(clean) and " " not in clean and "_" not in clean:
        return clean
    return clean if _EUI_NAA.match(clean) else None


@attrs.frozen
class LunIdentity:
    """One LUN's WWID before (IET) and after (LIO) the move."""

    target: str
    lun: int
    #: IET's WWID, or None where IET made the id up (no ScsiId=): read it from
    #: ``multipath -ll`` on an initiator before the move.
    old_wwid: str | None
    new_wwid: str
    serial: str


@attrs.frozen
class LioConversion:
    """A LIO configuration for one storage node, and the report of the move."""

    saveconfig: dict[str, Any]
    changes: tuple[Change, ...]
    identities: tuple[LunIdentity, ...]

    def json(self, show_secrets: bool = True) -> str:
        """``saveconfig.json`` as targetctl writes it (sorted keys, indent 2)."""
        data = self.saveconfig if show_secrets else _masked(self.saveconfig)
        return json.dumps(data, sort_keys=True, indent=2) + "\n"

    def script(self, show_secrets: bool = True) -> str:
        """The same configuration as ``targetcli`` commands (``targetcli < FILE``)."""
        return _script(self.saveconfig if show_secrets else _masked(self.saveconfig))


def unit_serial(target: str, lun: Lun) -> str:
    """A unit serial that is the same on every node exporting this LUN."""
    key = f"{target.lower()}/{lun.number}/{lun.scsi_id or ''}"
    return str(uuid.uuid5(SERIAL_NAMESPACE, key))


@attrs.define
class _Converter:
    doc: IetdDocument
    allow: dict[str, IetAllowDocument]
    changes: list[Change] = attrs.Factory(list)
    identities: list[LunIdentity] = attrs.Factory(list)
    objects: list[dict[str, Any]] = attrs.Factory(list)
    names: set[str] = attrs.Factory(set)
    #: the targets written, by their LIO name
    wwns: set[str] = attrs.Factory(set)
    #: the site's initiators by address: address -> (node, initiator IQN)
    initiators: Mapping[str, tuple[str, str]] = attrs.Factory(dict)

    def note(
        self, where: Any, key: str | None, severity: str, message: str, doc: Any = None
    ) -> None:
        """A report line at ``where`` (a model node) in ``doc`` (default: ietd.conf)."""
        doc = doc or self.doc
        line = doc.position(where)[0] if where is not None else 1
        path = doc.path if doc is not self.doc else None
        self.changes.append(Change(line, key, severity, message, path))

    def run(self) -> LioConversion:
        self.isns()
        targets = [self.target(t) for t in self.doc.targets]
        config: dict[str, Any] = {
            "fabric_modules": self.fabric_modules(),
            "storage_objects": self.objects,
            "targets": [t for t in targets if t is not None],
        }
        return LioConversion(config, tuple(self.changes), tuple(self.identities))

    def isns(self) -> None:
        """ietd.conf's iSNSServer/iSNSAccessControl (read before the first target):
        saveconfig.json has no iSNS; LIO's targets are registered by the separate
        target-isns daemon (its /etc/target-isns.conf: isns_server = ADDRESS)."""
        for e in self.doc.global_lines:
            key = e.key.lower()
            value = " ".join(e.values)
            if key == "isnsserver":
                self.note(
                    e,
                    "iSNSServer",
                    "action",
                    f"iSNSServer {value}: LIO registers no target with iSNS itself and "
                    "saveconfig.json has no such setting: install target-isns and set "
                    f"'isns_server = {value}' in /etc/target-isns.conf, or initiators that "
                    "discover through iSNS no longer find these targets",
                )
            elif key == "isnsaccesscontrol":
                on = value.lower() != "no"  # (ietd: anything but No turns it on)
                self.note(
                    e,
                    "iSNSAccessControl",
                    "action" if on else "info",
                    f"iSNSAccessControl {value}: "
                    + (
                        "the iSNS server's discovery domains decided which initiators "
                        "IET let in; target-isns only registers, so LIO admits by its ACLs "
                        "alone: name the initiators in ACLs"
                        if on
                        else "off: nothing to carry (LIO admits by its ACLs)"
                    ),
                )

    def fabric_modules(self) -> list[dict[str, Any]]:
        """Discovery CHAP: the IncomingUser/OutgoingUser lines before the first target."""
        users = self.doc.global_users
        if not users:
            return []
        accounts: dict[str, Any] = {}
        self.auth(accounts, users, "discovery")
        if not accounts:
            return []
        module = {f"discovery_{k}": v for k, v in accounts.items()}
        return [{"name": "iscsi", "discovery_enable_auth": True, **module}]

    def auth(self, into: dict[str, Any], users: Sequence[Any], what: str) -> None:
        """One incoming and one outgoing CHAP account (LIO holds one of each).

        IET asks for CHAP only when the target (or discovery) has an IncomingUser
        (iscsid.c, text_scan_security: AuthMethod=None is taken while account_empty(tid,
        AUTH_DIR_INCOMING), CHAP only otherwise), so an OutgoingUser alone never took
        part in a login. LIO with authentication=1 and no incoming account refuses every
        login: such an account is reported, not carried."""
        if not any(u.direction == "incoming" for u in users):
            for u in users:
                self.note(
                    u.entry,
                    "OutgoingUser",
                    "warning",
                    f"OutgoingUser {u.name!r} without an IncomingUser: IET never used it "
                    f"(it asks for CHAP only when the {what} has an IncomingUser), so the "
                    f"{what} stays without CHAP (authentication=0): logins work as before; "
                    "add an IncomingUser and this account by hand for mutual CHAP",
                )
            return
        for direction, prefix in (("incoming", ""), ("outgoing", "mutual_")):
            mine = [u for u in users if u.direction == direction]
            if not mine:
                continue
            first = mine[0]
            into[prefix + "userid"] = first.name or ""
            into[prefix + "password"] = first.password or ""
            for extra in mine[1:]:
                self.note(
                    extra.entry,
                    f"{direction.capitalize()}User",
                    "action",
                    f"LIO holds one {direction} CHAP account per {what}; {extra.name!r} is "
                    "not carried: give its initiators the first account's credentials",
                )

    def target(self, t: Target) -> dict[str, Any] | None:
        if not t.name:
            self.note(t.entry, "Target", "action", "a Target line without a name: skipped")
            return None
        iqn = lio_name(t.name)
        if iqn is None:
            self.note(
                t.entry,
                "Target",
                "action",
                f"{t.name} is no iSCSI name LIO takes (rtslib-fb's normalize_wwn wants "
                "iqn.YYYY-MM.<reversed domain>[:...] without '_' or blanks, or an eui./naa. "
                "id; targetctl restore skips the target and its LUNs): not carried; "
                "create it under a valid name and log the initiators in to that name",
            )
            return None
        if iqn in self.wwns:
            self.note(
                t.entry,
                "Target",
                "action",
                f"a second target named {t.name} (LIO compares names in lower case: "
                f"{iqn}): IET refused it (target_add: -EEXIST) and so does LIO: not "
                "carried; give its LUNs to the first target or a target of their own",
            )
            return None
        self.wwns.add(iqn)
        if iqn != t.name:
            self.note(
                t.entry,
                "Target",
                "warning",
                f"{t.name} is written {iqn}: rtslib-fb stores iSCSI names in lower case, "
                "and LIO matches the target name a login names exactly "
                "(iscsit_get_tiqn_for_login: strcmp): initiators whose node records name "
                f"{t.name} must discover the target again",
            )
        tpg: dict[str, Any] = {
            "tag": 1,
            "enable": True,
            "luns": [],
            "portals": self.portals(t),
            "node_acls": [],
            "attributes": {"authentication": 0},
            "parameters": {},
        }
        if t.alias:
            tpg["parameters"]["TargetAlias"] = t.alias
            if not _TARGETCLI_WORD.fullmatch(t.alias):
                alias = next(e for e in reversed(t.lines) if e.key.lower() == "alias")
                self.note(
                    alias,
                    "Alias",
                    "info",
                    f"TargetAlias {t.alias!r} is in saveconfig.json only: targetcli's command "
                    "line ends a value at a blank or a quote (configshell-fb), so the script "
                    "has it as a comment (targetctl restore sets it)",
                )
        for key, value in t.params.items():
            if key in SHARED_PARAMS:
                tpg["parameters"][key] = _lio_param(value)
            else:
                line = next(e for e in t.lines if e.key.lower() == key.lower())
                self.note(
                    line,
                    key,
                    "warning",
                    f"IET's {key} has no LIO equivalent in saveconfig.json: not carried "
                    "(LIO tunes threads and queues itself; NOP pings are the ACLs' "
                    "nopin_timeout attribute)",
                )
        users = t.users
        if users:
            # rtslib-fb's TPG.setup sets each leftover key as an attribute of the TPG
            # object: only chap_userid/chap_password/chap_mutual_* (target.py, TPG's
            # chap_* properties, as TPG.dump writes them) reach configfs; a plain
            # 'userid' key becomes a Python attribute and the account is lost
            accounts: dict[str, Any] = {}
            self.auth(accounts, users, "target")
            tpg.update({f"chap_{k}": v for k, v in accounts.items()})
            tpg["attributes"]["authentication"] = 1 if accounts else 0
        luns = []
        for lun in t.luns:
            if lun.number is not None and (lun.number in luns or lun.number > IET_MAX_LUN):
                # IET kept the first Lun line of a number and refused any above 0x3fff
                # (kernel/volume.c, volume_add: -EEXIST, -EINVAL); two LUNs of one index
                # make targetctl restore fail ("Creating TPG 1 LUN index N failed")
                why = (
                    f"LUN {lun.number} is already given by an earlier line: IET refused "
                    "this one (volume_add: -EEXIST)"
                    if lun.number in luns
                    else f"LUN {lun.number} is above 16383, which IET refused (volume_add: -EINVAL)"
                )
                self.note(
                    lun.entry,
                    "Lun",
                    "action",
                    f"{why}: not carried; give {lun.path or 'the device'} a free LUN "
                    "number by hand if it was meant to be exported",
                )
                continue
            entry = self.lun(t, lun)
            if entry is not None:
                tpg["luns"].append(entry)
                luns.append(entry["index"])
        self.acls(t, tpg, luns)
        return {"fabric": "iscsi", "wwn": iqn, "tpgs": [tpg]}

    def lun_options(self, lun: Lun, obj: dict[str, Any]) -> None:
        """The Lun options besides Path, Type, ScsiId, ScsiSN and IOMode: ``BlockSize``
        becomes the storage object's ``block_size`` attribute (rtslib-fb root.py restore
        sets each key of a storage object's "attributes"; LIO takes 512, 1024, 2048 and
        4096, as IET did), anything else is reported, never dropped unsaid."""
        for key, value in lun.options.items():
            if key in ("scsiid", "scsisn", "iomode"):
                continue
            if obj["plugin"] == "ramdisk" and key in ("sectors", "blocks"):
                continue  # (the ramdisk's size: nullio())
            if key == "blocksize" and value in ("512", "1024", "2048", "4096"):
                obj.setdefault("attributes", {})["block_size"] = int(value)
                self.note(
                    lun.entry,
                    "BlockSize",
                    "info",
                    f"BlockSize={value} -> the backstore's block_size attribute {value} "
                    "(initiators keep seeing the same logical block size)",
                )
                continue
            self.note(
                lun.entry,
                key,
                "action",
                f"BlockSize={value} is none of 512, 1024, 2048, 4096, the sizes IET and "
                "LIO take: set the backstore's block_size attribute by hand"
                if key == "blocksize"
                else f"Lun option {key}={value} is not carried: LIO's backstore has no "
                "such setting; set its equivalent by hand (targetcli: /backstores/... set "
                "attribute) or drop it",
            )

    def lun(self, t: Target, lun: Lun) -> dict[str, Any] | None:
        kind = (lun.type or "fileio").lower()
        if lun.number is None or (not lun.path and kind != "nullio"):
            self.note(
                lun.entry,
                "Lun",
                "action",
                "a Lun line without a number: skipped"
                if lun.number is None
                else f"LUN {lun.number} has no Path (only Type=nullio needs none): skipped",
            )
            return None
        plugin = {"blockio": "block", "nullio": "ramdisk"}.get(kind, "fileio")
        if plugin == "block":
            shared = self.shared_block(t, lun)
            if shared is not None:
                return shared
        name = self.object_name(t, lun)
        serial = unit_serial(t.name, lun)
        obj: dict[str, Any] = {"name": name, "plugin": plugin, "dev": lun.path, "wwn": serial}
        mode = (lun.io_mode or "").lower()
        if plugin == "ramdisk":
            self.nullio(lun, obj)
        elif plugin == "block":
            obj["readonly"] = mode == "ro"
        else:
            # IET's fileio default is write-back (wb); wt writes through
            obj["write_back"] = mode not in ("wt", "ro")
            if not (lun.path or "").startswith("/dev/"):
                # rtslib-fb tcm.py FileIOStorageObject._configure: a file needs its size
                # ('Path is to a file, size needed'); targetcli's create reads it itself
                self.note(
                    lun.entry,
                    "Lun",
                    "action",
                    f"{lun.path} is an image file: targetctl restore needs its size in "
                    f'bytes, which this offline copy cannot read: add "size": N (stat -c '
                    f"%s {lun.path}) to storage object {name} in saveconfig.json, or load "
                    "the targetcli script instead, which reads the size itself",
                )
            if mode == "ro":
                self.note(
                    lun.entry,
                    "IOMode",
                    "warning",
                    "a read-only fileio LUN: LIO's fileio has no read-only switch; the ACLs "
                    "map it write-protected instead",
                )
        self.lun_options(lun, obj)
        self.objects.append(obj)
        old = iet_wwid(lun.scsi_id) if lun.scsi_id else None
        new = lio_wwid(serial)
        was = (
            f"IET presented {old} if its ScsiId reached VPD page 0x83 as written"
            if old
            else "IET made its id up: read the old WWID with multipath -ll"
        )
        self.identities.append(LunIdentity(t.name, lun.number, old, new, serial))
        self.note(
            lun.entry,
            "Lun",
            "warning",
            f"LUN {lun.number} of {t.name}: initiators will see WWID {new} "
            f"({was}); LIO answers with an NAA id, IET with a T10 vendor id",
        )
        if lun.scsi_sn:
            self.note(
                lun.entry,
                "ScsiSN",
                "info",
                f"ScsiSN={lun.scsi_sn} (VPD page 0x80) becomes the unit serial {serial}: LIO "
                "makes the WWID from the serial's hex digits, which a free-form ScsiSN may "
                "lack",
            )
        return {
            "index": lun.number,
            "storage_object": f"/backstores/{plugin}/{name}",
            "write_protect": mode == "ro",
        }

    def shared_block(self, t: Target, lun: Lun) -> dict[str, Any] | None:
        """The LUN entry of a blockio LUN whose device an earlier LUN already exports,
        mapped to that LUN's storage object (None: the device is new). LIO's block
        backstore claims its device exclusively (target_core_iblock.c: the device is
        opened with the backstore as holder), so a second backstore on the device would
        fail to load on targetctl restore; IET opened it once per LUN."""
        mode = (lun.io_mode or "").lower()
        assert lun.number is not None  # (lun() skips a Lun line without a number)
        first = next(
            (o for o in self.objects if o["plugin"] == "block" and o.get("dev") == lun.path),
            None,
        )
        if first is None:
            return None
        self.note(
            lun.entry,
            "Lun",
            "warning",
            f"LUN {lun.number} of {t.name} exports {lun.path}, which an earlier LUN "
            f"exports too: one storage object ({first['name']}) for both, since LIO's "
            "block backstore claims its device exclusively (a second one would not load); "
            f"initiators now see one WWID for it ({lio_wwid(first['wwn'])}), where IET "
            "gave each LUN an id of its own",
        )
        old = iet_wwid(lun.scsi_id) if lun.scsi_id else None
        self.identities.append(
            LunIdentity(t.name, lun.number, old, lio_wwid(first["wwn"]), first["wwn"])
        )
        if first["readonly"] != (mode == "ro"):
            first["readonly"] = False
            self.note(
                lun.entry,
                "IOMode",
                "action",
                f"{lun.path} is read-only in one LUN and writable in another: the storage "
                f"object {first['name']} is written writable; protect the read-only LUN "
                "in its ACLs (mapped LUN write_protect)",
            )
        return {
            "index": lun.number,
            "storage_object": f"/backstores/block/{first['name']}",
            "write_protect": mode == "ro",
        }

    def nullio(self, lun: Lun, obj: dict[str, Any]) -> None:
        """IET's nullio LUN (no storage: writes are dropped) as LIO's rd_mcp backstore with
        nullio=true (rtslib-fb tcm.py RDMCPStorageObject(name, size, wwn, nullio)); its
        size is IET's: ``Sectors`` of 512 bytes (iscsitarget 1.4 kernel/nullio.c), or
        ``Blocks`` of ``BlockSize`` (later nullio.c), else 64 GiB, the default of both."""
        del obj["dev"]
        opts = lun.options
        size = 1 << 36
        how = "IET's default, 64 GiB"
        try:
            if "sectors" in opts:
                size, how = int(opts["sectors"]) * 512, f"Sectors={opts['sectors']} x 512"
            elif "blocks" in opts:
                block = int(opts.get("blocksize", "512"))
                size, how = int(opts["blocks"]) * block, f"Blocks={opts['blocks']} x {block}"
        except ValueError:
            self.note(
                lun.entry,
                "Lun",
                "action",
                f"LUN {lun.number}: a nullio size that is not a number: the 64 GiB default "
                "written; set the ramdisk's size by hand",
            )
        obj["size"] = size
        obj["nullio"] = True
        self.note(
            lun.entry,
            "Type",
            "info",
            f"Type=nullio (LUN {lun.number}) -> a ramdisk backstore with nullio=true of "
            f"{size} bytes ({how}): LIO completes its I/O without storage, as IET's nullio",
        )

    def object_name(self, t: Target, lun: Lun) -> str:
        base = t.alias or t.name.rsplit(":", 1)[-1]
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{base}_lun{lun.number}")
        while name in self.names:
            name += "_"
        self.names.add(name)
        return name

    def portals(self, t: Target) -> list[dict[str, Any]]:
        """targets.allow restricts the addresses a target is offered on; without it
        every address (0.0.0.0:3260, LIO's default portal)."""
        doc = self.allow.get("targets.allow")
        rule = doc.rule(t.name) if doc is not None else None
        if rule is None or any(p.kind == "all" for p in rule.peers):
            return [{"ip_address": "0.0.0.0", "port": 3260}]
        out: list[dict[str, Any]] = []
        for p in rule.peers:
            if p.network is not None and p.network.num_addresses == 1:
                # one address (also 10.0.0.1/32): one portal, once (targetcli refuses a
                # second: "This NetworkPortal already exists in configFS")
                portal = {"ip_address": str(p.network.network_address), "port": 3260}
                if portal not in out:
                    out.append(portal)
            else:
                self.note(
                    rule.entry,
                    "targets.allow",
                    "action",
                    f"targets.allow lists {p.text!r} for {t.name}: LIO portals are single "
                    "addresses; add a portal per address of that network by hand",
                    doc,
                )
        return out or [{"ip_address": "0.0.0.0", "port": 3260}]

    def acls(self, t: Target, tpg: dict[str, Any], luns: list[int]) -> None:
        """initiators.allow's names become ACLs; addresses have no LIO equivalent."""
        doc = self.allow.get("initiators.allow")
        rule = doc.rule(t.name) if doc is not None else None
        deny = self.allow.get("initiators.deny")
        if deny is not None and deny.rules:
            self.note(
                deny.rules[0].entry,
                "initiators.deny",
                "action",
                "initiators.deny has no LIO equivalent: LIO admits only the initiators "
                "its ACLs name; check the ACLs written from initiators.allow",
                deny,
            )
        if rule is None or any(p.kind == "all" for p in rule.peers):
            # generated ACLs map every LUN per demo_mode_write_protect (rtslib-fb's LUN
            # setup reads no write_protect): a read-only fileio LUN, which has no
            # read-only backstore switch, stays read-only only through it
            objects = {f"/backstores/{o['plugin']}/{o['name']}": o for o in self.objects}
            ro = [e for e in tpg["luns"] if e["write_protect"]]
            unprotected = [e for e in ro if objects[e["storage_object"]]["plugin"] == "fileio"]
            all_ro = 1 if ro and len(ro) == len(tpg["luns"]) else 0
            tpg["attributes"].update(
                generate_node_acls=1, demo_mode_write_protect=all_ro, cache_dynamic_acls=1
            )
            if unprotected and not all_ro:
                self.note(
                    t.entry,
                    "IOMode",
                    "action",
                    f"{t.name} mixes read-only fileio LUNs "
                    f"({', '.join(str(e['index']) for e in unprotected)}) with writable "
                    "ones and is open to every initiator: LIO's generated ACLs write-protect "
                    "all LUNs or none (demo_mode_write_protect=0 written: those LUNs are "
                    "writable): name the initiators in ACLs, or split the target",
                )
            self.note(
                t.entry if rule is None else rule.entry,
                "initiators.allow",
                "warning",
                f"{t.name} is open to every initiator under IET (no initiators.allow line or "
                "ALL); written the same way for LIO (generate_node_acls=1): name the "
                "initiators to close it",
                None if rule is None else doc,
            )
            return
        # LIO checks a named initiator's CHAP against its ACL's account, the TPG's only
        # for generated ACLs (Linux iscsi_target_nego.c, iscsi_handle_authentication:
        # dynamic_node_acl ? tpg_demo_auth : node_auth): each ACL carries the account
        chap = {k: v for k, v in tpg.items() if k.startswith("chap_")}
        named: set[str] = set()
        protect = {e["index"]: e["write_protect"] for e in tpg["luns"]}

        def acl(node_wwn: str) -> None:
            named.add(node_wwn)
            mapped = [{"index": n, "tpg_lun": n, "write_protect": protect[n]} for n in luns]
            tpg["node_acls"].append({"node_wwn": node_wwn, "mapped_luns": mapped, **chap})

        for p in rule.peers:
            if p.kind == "name" and not _REGEX_CHARS.search(p.text.replace("\\.", ".")):
                initiator = p.text.replace("\\.", ".")
                node_wwn = self.acl_name(initiator, rule, doc)
                if node_wwn is not None and node_wwn not in named:
                    acl(node_wwn)
            elif any(lio_name(iqn) for _, iqn in self.at_address(p)):
                found = [(node, lio_name(iqn)) for node, iqn in self.at_address(p)]
                for _, node_wwn in found:
                    if node_wwn is not None and node_wwn not in named:
                        acl(node_wwn)
                self.note(
                    rule.entry,
                    "initiators.allow",
                    "info",
                    f"{p.text!r} admits "
                    + ", ".join(f"{node} (ACL {wwn})" for node, wwn in found if wwn)
                    + " by the address the node's files give it: LIO admits by initiator "
                    "name only, so the ACL of the name in its initiatorname.iscsi is written"
                    + (" with the target's CHAP account" if chap else "")
                    + "; filter addresses with a firewall if they mattered",
                    doc,
                )
            else:
                what = "a name pattern" if p.kind == "name" else "an address"
                # (the TPG's account is checked only for generated ACLs: an ACL added
                # by hand without one refuses the CHAP login IET accepted)
                account = (
                    f" with the target's CHAP account ('set auth userid={chap['chap_userid']}"
                    "' and its password on the ACL: LIO checks a named initiator against "
                    "its ACL's account, not the TPG's)"
                    if chap.get("chap_userid")
                    else ""
                )
                self.note(
                    rule.entry,
                    "initiators.allow",
                    "action",
                    f"{p.text!r} is {what}: LIO ACLs name single initiators (IQNs); add "
                    f"an ACL per initiator{account}, and filter addresses with a firewall",
                    doc,
                )

    def at_address(self, peer: Any) -> list[tuple[str, str]]:
        """The site's initiators (node, IQN) an address or network of initiators.allow
        admits, by the addresses the cluster model gives each node."""
        if peer.kind not in ("address", "network") or peer.network is None:
            return []
        found = set()
        for address, who in self.initiators.items():
            try:
                if ipaddress.ip_address(address) in peer.network:
                    found.add(who)
            except ValueError:
                continue
        return sorted(found)

    def acl_name(self, initiator: str, rule: Any, doc: Any) -> str | None:
        """An initiators.allow name as LIO's ACL holds it, with a report line where that
        is not the name the initiator logs in with (None: LIO refuses it)."""
        name = lio_name(initiator)
        if name is None:
            self.note(
                rule.entry,
                "initiators.allow",
                "action",
                f"{initiator!r} is no iSCSI name LIO takes (rtslib-fb's normalize_wwn): no "
                "ACL written; add the initiator's real name by hand",
                doc,
            )
        elif name != initiator:
            self.note(
                rule.entry,
                "initiators.allow",
                "action",
                f"the ACL for {initiator} is {name}: rtslib-fb stores names in lower case "
                "and LIO compares the name an initiator logs in with exactly "
                "(__core_tpg_get_initiator_node_acl: strcmp), so that initiator is refused: "
                f"set its InitiatorName to {name} (/etc/iscsi/initiatorname.iscsi)",
                doc,
            )
        return name


def _lio_param(value: str) -> str:
    low = value.strip().lower()
    return {"yes": "Yes", "no": "No"}.get(low, value.strip())


def _masked(config: dict[str, Any]) -> dict[str, Any]:
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (MASK if "password" in k and x else walk(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    masked: dict[str, Any] = walk(config)
    return masked


def _auth_args(holder: dict[str, Any], prefix: str) -> list[str]:
    """targetcli's ``userid=... password=...`` (quoted) for the CHAP account that
    ``holder`` (a fabric module, a TPG, an ACL) keeps under ``prefix``, in its order."""
    fields = ("userid", "password", "mutual_userid", "mutual_password")
    return [f"{k}={shlex.quote(holder[prefix + k])}" for k in fields if prefix + k in holder]


def _script(config: dict[str, Any]) -> str:
    q = shlex.quote
    out = ["# targetcli commands for this storage node (run: targetcli < FILE)"]
    for so in config["storage_objects"]:
        # targetcli-fb: block create name dev readonly wwn; fileio create name
        # file_or_dev size write_back sparse wwn
        if so["plugin"] == "block":
            args = f"dev={q(so['dev'])} readonly={str(so['readonly']).lower()}"
        elif so["plugin"] == "ramdisk":
            # (targetcli-fb: ramdisk create name size nullio wwn; a size without a unit
            # is bytes: ui_backstore.py human_to_bytes)
            args = f"size={so['size']} nullio={str(so['nullio']).lower()}"
        else:
            args = f"file_or_dev={q(so['dev'])} write_back={str(so['write_back']).lower()}"
        out.append(f"/backstores/{so['plugin']} create name={q(so['name'])} {args} wwn={so['wwn']}")
        for key, value in so.get("attributes", {}).items():
            out.append(f"/backstores/{so['plugin']}/{q(so['name'])} set attribute {key}={value}")
    for fm in config["fabric_modules"]:
        out.append("/iscsi set discovery_auth enable=1 " + " ".join(_auth_args(fm, "discovery_")))
    for t in config["targets"]:
        base = f"/iscsi/{t['wwn']}/tpg1"
        out.append(f"/iscsi create {t['wwn']}")
        tpg = t["tpgs"][0]
        out.append(f"{base}/portals delete 0.0.0.0 3260")
        for p in tpg["portals"]:
            out.append(f"{base}/portals create {p['ip_address']} {p['port']}")
        for lun in tpg["luns"]:
            out.append(f"{base}/luns create {lun['storage_object']} lun={lun['index']}")
        for k, v in sorted(tpg["attributes"].items()):
            out.append(f"{base} set attribute {k}={v}")
        for k, v in sorted(tpg["parameters"].items()):
            if _TARGETCLI_WORD.fullmatch(str(v)):
                out.append(f"{base} set parameter {k}={v}")
            else:
                out.append(f"# {base} set parameter {k}={v!r}: no targetcli word (see report)")
        out.extend(f"{base} set auth {a}" for a in _auth_args(tpg, "chap_"))
        for acl in tpg["node_acls"]:
            out.append(f"{base}/acls create {acl['node_wwn']} add_mapped_luns=false")
            out.extend(
                f"{base}/acls/{acl['node_wwn']} set auth {a}" for a in _auth_args(acl, "chap_")
            )
            for m in acl["mapped_luns"]:
                wp = " write_protect=1" if m["write_protect"] else ""
                out.append(
                    f"{base}/acls/{acl['node_wwn']} create mapped_lun={m['index']} "
                    f"tpg_lun_or_backstore={m['tpg_lun']}{wp}"
                )
    out.append("saveconfig")
    return "\n".join(out) + "\n"


def wwid_impact(
    conversion: LioConversion,
    multipath: Iterable[Any] = (),
    domus: Iterable[Any] = (),
) -> list[Change]:
    """What the new WWIDs break on the initiators: each multipath.conf entry and each
    domU disk that names an old WWID (or any IET WWID, where IET made the id up and
    we cannot tell which LUN it is). ``multipath`` and ``domus`` are documents."""
    known = {i.old_wwid: i for i in conversion.identities if i.old_wwid}
    unknown = any(i.old_wwid is None for i in conversion.identities)
    iet_prefix = "1" + IET_VENDOR_HEX
    out: list[Change] = []
    for doc in multipath:
        for mp in doc.multipaths:
            wwid = (mp.wwid or "").lower()
            where = doc.position(mp.block)[0]
            name = f"alias {mp.alias!r}" if mp.alias else "an entry"
            if wwid in known:
                new = known[wwid].new_wwid
                out.append(
                    Change(
                        where,
                        "wwid",
                        "action",
                        f"{name} names LUN {known[wwid].lun} of {known[wwid].target} by its "
                        f"IET WWID: after the move write 'wwid {new}'",
                        doc.path,
                    )
                )
            elif unknown and wwid.startswith(iet_prefix):
                out.append(
                    Change(
                        where,
                        "wwid",
                        "action",
                        f"{name} names an IET LUN whose id IET made up ({wwid}): after "
                        "the move its WWID is one of the new ones in this report; match it "
                        "by size and LUN number (multipath -ll) and write it here",
                        doc.path,
                    )
                )
    for doc in domus:
        for disk in doc.disks:
            target = (disk.target or "").lower()
            hit = next((w for w in known if w in target), None)
            if hit or (unknown and iet_prefix in target):
                out.append(
                    Change(
                        1,
                        "disk",
                        "action",
                        f"disk {disk.raw!r} names an IET WWID: use the multipath alias, or "
                        "the new WWID from this report",
                        doc.path,
                    )
                )
    return out


def iet_to_lio(
    doc: IetdDocument,
    allow: Iterable[IetAllowDocument] = (),
    initiators: Mapping[str, tuple[str, str]] | None = None,
) -> LioConversion:
    """The LIO configuration of one storage node from its ietd.conf and access lists
    (initiators.allow, initiators.deny, targets.allow: told apart by file name);
    ``initiators``: the site's initiators by address (address -> node, IQN), which turn
    an address of initiators.allow into the ACL of the initiator there."""
    lists = {a.kind: a for a in allow if a.kind is not None}
    return _Converter(doc, lists, initiators=initiators or {}).run()
