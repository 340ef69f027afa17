"""drbd.conf against drbdadm (drbd-utils 9.22) as a peer oracle.

For every corpus and seed file drbdadm accepts (``dump-xml``, 8.4 parser
first, then the DRBD 9 one), our effective model has the same resources,
hosts, device minors, backing disks and addresses. Files drbdadm rejects are
listed in REJECTED with the reason we still parse them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import ids, shared_files, shared_path, unavailable
from roundtrip import read
from xencfg.formats import drbd

pytestmark = pytest.mark.peer

FILES = shared_files("corpus", "drbd") + [
    p for p in shared_files("seed-examples", pattern="drbd.conf") if "etc" in p.parts
]

_SHOW = (
    "`drbdsetup show` output, not a drbd.conf: drbdadm has no parser for its "
    "_this_host/_cstate/_is_default annotations"
)
_INCLUDE = (
    "include-only file whose targets are not in the corpus: drbdadm fails to open "
    "them, we keep `include` as a statement (load_config resolves it)"
)
_V92 = (
    "valid for another drbd-utils release: drbdadm 9.22 no longer (or not yet) knows "
    "this keyword; we parse it as a generic statement and keyword_problems() marks "
    "what is unknown"
)
#: Files drbdadm rejects in both modes, and why accepting them is right.
REJECTED = {
    "drbd__scripts_drbd.conf.example@2014_v8.4": (
        "shipped example: named connection ('optinal name') and minor 10 used twice "
        "on purpose; conflicts are lint's job, the syntax is fine"
    ),
    "drbdutils__scripts_drbd.conf.example": (
        "shipped example of several DRBD 9 variants (named connection, proxy sub-"
        "sections): a syntax-level parser must read it, conflicts are lint's job"
    ),
    "drbd__scripts_drbd.conf@2004-07_v0.7": (
        "DRBD 0.7 syntax (incon-degr-cmd at resource level): 8.4/9 parsers dropped "
        "it; we keep it and mark it deprecated"
    ),
    "drbd__scripts_drbd.conf@2006-04_v8.0pre3": (
        "usage-count outside `global` (the example's `global {` is commented out): an"
        " unknown top-level keyword is marked, not fatal"
    ),
    "drbdutils__scripts_drbd.conf": _INCLUDE,
    "esos__trunk_etc_drbd.conf": _INCLUDE,
    "drbdutils__user_windrbd_windrbd-sample.res": _INCLUDE,
    "guoyu07-corosync-pacemaker-schulprojekt__etc_drbd.conf": _INCLUDE,
    "drbdutils__tests_v9_adjust_switch_diskfull_r0.res": _V92,
    "drbdutils__tests_v9_adjust_switch_interface_r0.res": _V92,
    "drbdutils__tests_v9_block-size.res": _V92,
    "drbdutils__tests_v9_nat-address.res": (
        "`via outside-address` (drbd-utils newer than 9.22): host statement values "
        "are kept as written"
    ),
    "drbdutils__tests_v9_node-id-missing.res": (
        "a semantic error (9 needs node-id with more than two hosts), on purpose in "
        "drbd-utils' tests; syntax is fine"
    ),
    "drbdutils__tests_v9_require-drbd-module-version.res": (
        "a version check against the running kernel module, not a syntax error"
    ),
    "drbdutils__tests_v9_tiebreaker.res": (
        "tiebreaker: a DRBD 9 volume option drbd-utils 9.22 does not read (LINBIT/drbd-utils "
        "commit 84e66c9b, v9.34, reads it again); kept as a DRBD 9 keyword"
    ),
    "drbdutils__tests_v9_drbdsetup_show_bitmap_unknown.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_adjust_proxy.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_adjust_proxy_no_path.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_bitmap_disable.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_set_option_connect.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_switch_diskfull_r0.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_switch_interface_r0.txt": _SHOW,
    "drbdutils__tests_v9_drbdsetup_show_tiebreaker_swap.txt": _SHOW,
    "drbdutils__tests_v9_restore_show.res": _SHOW,
    "ganeti__test_data_bdev-drbd-8.0.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-8.3.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-8.4.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-8.4-no-disk-params.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-disk.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-net-ip4.txt": _SHOW,
    "ganeti__test_data_bdev-drbd-net-ip6.txt": _SHOW,
    "s004-drbd-lvm/mk1/etc/drbd.conf": (
        "lines holding one U+00A0 (NBSP): drbdadm's scanner rejects it, we accept it "
        "as white space and DrbdDocument.nbsp_offsets() reports each for lint"
    ),
    "s004-drbd-lvm/mk2/etc/drbd.conf": "same NBSP lines as mk1",
}

PEER = Path("/work/shared/oracle/peers/peer-drbdadm")


def _key(path: Path) -> str:
    return "/".join(path.parts[-4:]) if "seed-examples" in path.parts else path.name


def _peer() -> Path:
    peer = shared_path("oracle", "peers", "peer-drbdadm")
    problem = None
    if shutil.which("drbdadm") is None:
        problem = "drbdadm (drbd-utils) is not installed"
    elif os.geteuid() != 0:
        problem = "peer-drbdadm needs root (unshare)"
    if problem:
        unavailable(problem)
    return peer


def _dump_xml(peer: Path, path: Path) -> tuple[str | None, str]:
    """drbdadm's dump-xml of ``path`` (mode 84, then 9), or None and the last verdict."""
    verdict = ""
    for mode in ("84", "9"):
        out = subprocess.run(
            [str(peer), "--mode", mode, "--cmd", "dump-xml", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            check=False,
        )
        verdict = out.stdout.split("\n", 1)[0]
        if out.returncode == 0:
            return out.stdout.split("\n", 1)[1], verdict
    return None, verdict


def _port(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _theirs(xml: str) -> dict[str, Any]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml.encode(), parser)
    out: dict[str, Any] = {}
    for res in root.iter("resource"):
        hosts = []
        for h in res.findall("host"):
            addr = h.find("address")
            vols = {}
            for v in h.findall("volume"):
                dev = v.find("device")
                disk = v.find("disk")
                vols[int(v.get("vnr"))] = (
                    int(dev.get("minor")) if dev is not None and dev.get("minor") else None,
                    disk.text if disk is not None and disk.text != "none" else None,
                )
            hosts.append(
                (
                    h.get("name"),
                    (addr.get("family"), addr.text, _port(addr.get("port")))
                    if addr is not None and addr.text != "(null)"
                    else None,
                    vols,
                )
            )
        out[res.get("name")] = hosts
    return out


def _ours(doc: drbd.DrbdDocument) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for res in doc.resource_list():
        hosts = []
        for h in res.host_list:
            if h.kind == "stacked-on-top-of":
                continue  # drbdadm names these after the lower resource's hosts
            eff = res.effective(h.names[0])
            a = eff.address
            vols = {
                n: (v["device"].minor if v["device"] else None, v["disk"])
                for n, v in eff.volumes.items()
            }
            name = None if h.kind == "floating" else h.names[0]
            addr = (a.family, a.ip, a.port) if a is not None else None
            hosts.append((" ".join(h.names) if name else None, addr, vols))
        out[res.name] = hosts
    return out


def _their_sections(xml: str, resource: str | None) -> dict[str, Any]:
    """The option sections drbdadm prints for ``resource`` (None: ``common``),
    normalised to 8.4 form."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml.encode(), parser)
    out: dict[str, Any] = {}
    found = root.iter("common") if resource is None else root.iter("resource")
    for res in found:
        if res.get("name") == resource:
            for sec in res.findall("section"):
                options = {o.get("name"): o.get("value", True) for o in sec.findall("option")}
                if options:
                    out.setdefault(sec.get("name"), {}).update(options)
    return out


def _our_sections(doc: drbd.DrbdDocument, res: drbd.Resource) -> dict[str, Any]:
    """Our ``sections_84``, less a ``resync-after`` naming a resource that has no host
    section for the machine drbdadm runs on: it warns "resource 'r2' mentioned in
    'resync-after' option is not known on this host" and drops the option."""
    import platform

    out = {k: dict(v) for k, v in res.sections_84.items() if v}
    after = out.get("disk", {}).get("resync-after")
    if after is not None:
        target = doc.resources.get(str(after))
        if target is None or platform.node() not in target.hosts:
            del out["disk"]["resync-after"]
            if not out["disk"]:
                del out["disk"]
    return out


def _their_links(xml: str, resource: str) -> list[Any]:
    """drbdadm 9's connections of ``resource``: sorted sets of paths of endpoints."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml.encode(), parser)
    out = []
    for res in root.iter("resource"):
        if res.get("name") != resource:
            continue
        for conn in res.findall("connection"):
            paths = conn.findall("path") or [conn]
            out.append(sorted(_path_key(p.findall("host")) for p in paths))
    return sorted(out)


def _path_key(hosts: Any) -> list[Any]:
    out = []
    for h in hosts:
        a = h.find("address")
        addr = (a.get("family"), a.text, _port(a.get("port"))) if a is not None else None
        out.append((h.get("name"), addr))
    return sorted(out, key=repr)


def _our_links(res: drbd.Resource) -> list[Any]:
    out = []
    for link in res.links():
        paths = []
        for p in link.paths:
            ends = [
                (e.host, (e.address.family, e.address.ip, e.address.port) if e.address else None)
                for e in p
            ]
            paths.append(sorted(ends, key=repr))
        out.append(sorted(paths))
    return sorted(out)


def _comparable(theirs: dict[str, Any], ours: dict[str, Any]) -> tuple[Any, Any]:
    """Drop what drbdadm derives beyond the file (stacked hosts, implicit volumes of others)."""
    t, o = {}, {}
    for name, hosts in theirs.items():
        t[name] = sorted(
            (h for h in hosts if h[0] is None or any(h[0] == x[0] for x in ours.get(name, []))),
            key=repr,
        )
        o[name] = sorted(
            (h for h in ours.get(name, []) if h[0] is None or any(h[0] == x[0] for x in hosts)),
            key=repr,
        )
    return t, o


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_model_equals_drbdadm_dump_xml(path: Path) -> None:
    peer = _peer()
    doc = drbd.parse(read(path), str(path))
    xml, verdict = _dump_xml(peer, path)
    if xml is None:
        assert _key(path) in REJECTED, f"drbdadm rejects {path} and we accept it: {verdict}"
        return
    assert _key(path) not in REJECTED, f"drbdadm now accepts {path}: drop it from REJECTED"
    theirs = _theirs(xml)
    ours = _ours(doc)
    assert set(theirs) <= set(ours), (set(theirs), set(ours))
    t, o = _comparable(theirs, ours)
    assert t == o
    for res in doc.resource_list():
        assert _their_sections(xml, res.name) == _our_sections(doc, res), res.name
    assert _their_sections(xml, None) == {
        k: v for k, v in drbd.sections_84(doc.common).items() if v
    }
    if "mode 9" in verdict:
        for res in doc.resource_list():
            if not res.stacked and not any(h.kind.startswith("_") for h in res.host_list):
                assert _their_links(xml, res.name) == _our_links(res), res.name
    # every host drbdadm lists by name is one of ours
    for hosts in theirs.values():
        named = {n for h in hosts if h[0] for n in h[0].split()}
        assert named <= {n for r in doc.resource_list() for n in r.hosts}


BROKEN = [
    p
    for p in shared_files("oracle", "peers", "samples")
    if p.name.startswith("drbd") and p.suffix == ".conf"
]


@pytest.mark.parametrize("path", FILES + BROKEN, ids=ids(FILES + BROKEN))
def test_conflicts_equal_drbdadm(path: Path) -> None:
    """Where drbdadm (8.4 or 9 parser) reports "conflicting use of ...", our first
    conflict is at the same two lines; where it reports none, neither do we."""
    import re

    peer = _peer()
    reported = None
    for mode in ("84", "9"):
        out = subprocess.run(
            [str(peer), "--mode", mode, "--cmd", "dump", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            check=False,
        ).stdout
        again = re.search(r":(\d+): conflicting use of ([\w -]+?) '", out)
        first = re.search(r":(\d+): [\w -]+ '[^']*' first used here", out)
        if again and first:
            reported = (int(again.group(1)), int(first.group(1)))
            break
        if out.startswith("OK"):
            break
    try:
        doc = drbd.parse(read(path), str(path))
    except xencfg.ParseError:
        assert reported is None
        return
    ours = doc.conflicts()
    if reported is None:
        assert ours == [], [(c.kind, c.key, c.lines()) for c in ours]
    else:
        assert ours and ours[0].lines() == reported
