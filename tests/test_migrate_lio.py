"""IET -> LIO (xencfg.migrations.lio): targets, LUNs, CHAP and ACLs carried to a
targetcli saveconfig.json, and the WWID change every initiator will see.

The layout follows rtslib-fb's ``RTSRoot.restore`` (rtslib/root.py) and
saveconfig.json(5); where Debian's python3-rtslib-fb is installed, its own
``normalize_wwn`` checks every target and ACL name we write.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import xencfg
from conftest import shared_files, unavailable
from xencfg.migrations.lio import iet_to_lio, iet_wwid, lio_wwid, unit_serial, wwid_impact

IETD = """\
# discovery account
IncomingUser disc discpassword1
Target iqn.2008-01.com.example:storage.web   # the web LUNs
\tIncomingUser webuser webpassword12
\tOutgoingUser tgt tgtpassword123
\tLun 0 Path=/dev/vg0/web,Type=blockio,ScsiId=web0,ScsiSN=web0
\tLun 1 Path=/srv/web-data.img,Type=fileio,IOMode=wt
\tAlias web
\tMaxConnections 1
\tWthreads 8
Target iqn.2008-01.com.example:storage.db
\tLun 0 Path=/dev/vg0/db,Type=blockio,ScsiId=db0,IOMode=ro
"""
ALLOW = (
    "iqn.2008-01.com.example:storage.web iqn.2008-01.com.example:xen1, "
    "iqn.2008-01.com.example:xen2, 10.0.0.0/24\n"
)


def convert(tmp_path: Path, ietd: str = IETD, **lists: str) -> Any:
    (tmp_path / "ietd.conf").write_text(ietd)
    allow = []
    for name, text in lists.items():
        path = tmp_path / name.replace("_", ".")
        path.write_text(text)
        allow.append(xencfg.load(str(path), format="iet-allow"))
    return iet_to_lio(xencfg.load(str(tmp_path / "ietd.conf")), allow)


def test_targets_luns_and_backstores(tmp_path: Path) -> None:
    r = convert(tmp_path, initiators_allow=ALLOW)
    objs = {o["name"]: o for o in r.saveconfig["storage_objects"]}
    assert objs["web_lun0"]["plugin"] == "block" and objs["web_lun0"]["dev"] == "/dev/vg0/web"
    # IET's fileio with IOMode=wt writes through: no write-back cache in LIO either
    assert objs["web_lun1"] == {
        "name": "web_lun1",
        "plugin": "fileio",
        "dev": "/srv/web-data.img",
        "write_back": False,
        "wwn": unit_serial("iqn.2008-01.com.example:storage.web", _lun(r, 1)),
    }
    assert objs["storage.db_lun0"]["readonly"] is True
    web, db = r.saveconfig["targets"]
    tpg = web["tpgs"][0]
    assert web["wwn"] == "iqn.2008-01.com.example:storage.web" and web["fabric"] == "iscsi"
    assert [(lun["index"], lun["storage_object"]) for lun in tpg["luns"]] == [
        (0, "/backstores/block/web_lun0"),
        (1, "/backstores/fileio/web_lun1"),
    ]
    assert tpg["parameters"] == {"MaxConnections": "1", "TargetAlias": "web"}
    assert db["tpgs"][0]["luns"][0]["write_protect"] is True


def _lun(r: Any, n: int) -> Any:
    class L:  # the two fields unit_serial reads
        number = n
        scsi_id = None

    return L


def test_chap_accounts(tmp_path: Path) -> None:
    r = convert(tmp_path, initiators_allow=ALLOW)
    tpg = r.saveconfig["targets"][0]["tpgs"][0]
    # rtslib-fb target.py: TPG.dump writes chap_<attr> for attr in auth_params and
    # TPG.setup sets each leftover key with setattr: only the chap_ names are properties
    # that reach configfs (auth/userid ...), a plain 'userid' is silently a Python attribute
    assert (tpg["chap_userid"], tpg["chap_password"]) == ("webuser", "webpassword12")
    assert (tpg["chap_mutual_userid"], tpg["chap_mutual_password"]) == ("tgt", "tgtpassword123")
    assert not {"userid", "password", "mutual_userid", "mutual_password"} & set(tpg)
    # a named initiator logs in with its ACL's account, not the TPG's (Linux
    # iscsi_target_nego.c, iscsi_handle_authentication: the TPG's is for generated ACLs)
    for acl in tpg["node_acls"]:
        assert (acl["chap_userid"], acl["chap_password"]) == ("webuser", "webpassword12")
        assert acl["chap_mutual_userid"] == "tgt"
    assert f"/acls/{tpg['node_acls'][0]['node_wwn']} set auth userid=webuser" in r.script()
    assert tpg["attributes"]["authentication"] == 1
    assert r.saveconfig["fabric_modules"] == [
        {
            "name": "iscsi",
            "discovery_enable_auth": True,
            "discovery_userid": "disc",
            "discovery_password": "discpassword1",
        }
    ]
    for secret in ("webpassword12", "tgtpassword123", "discpassword1"):
        assert secret in r.json() and secret in r.script()
        assert secret not in r.json(show_secrets=False)
        assert secret not in r.script(show_secrets=False)
        assert all(secret not in str(c) for c in r.changes)


def test_acls_from_initiators_allow(tmp_path: Path) -> None:
    r = convert(tmp_path, initiators_allow=ALLOW)
    web, db = r.saveconfig["targets"]
    acls = web["tpgs"][0]["node_acls"]
    assert [a["node_wwn"] for a in acls] == [
        "iqn.2008-01.com.example:xen1",
        "iqn.2008-01.com.example:xen2",
    ]
    assert [m["index"] for m in acls[0]["mapped_luns"]] == [0, 1]
    # the network has no LIO equivalent: an action line in initiators.allow
    # (and the image file's size, test_image_file_lun_needs_its_size)
    actions = [c for c in r.changes if c.severity == "action"]
    assert [(c.key, c.path, c.line) for c in actions] == [
        ("Lun", None, 7),
        ("initiators.allow", str(tmp_path / "initiators.allow"), 1),
    ]
    # a target without a line is open under IET: written open, and said so
    assert db["tpgs"][0]["attributes"]["generate_node_acls"] == 1
    assert any(c.key == "initiators.allow" and c.severity == "warning" for c in r.changes)


def test_targets_allow_sets_portals_and_deny_is_reported(tmp_path: Path) -> None:
    r = convert(
        tmp_path,
        targets_allow="iqn.2008-01.com.example:storage.web 192.168.1.10\n",
        initiators_deny="ALL ALL\n",
    )
    web, db = r.saveconfig["targets"]
    assert web["tpgs"][0]["portals"] == [{"ip_address": "192.168.1.10", "port": 3260}]
    assert db["tpgs"][0]["portals"] == [{"ip_address": "0.0.0.0", "port": 3260}]
    assert any(c.key == "initiators.deny" and c.severity == "action" for c in r.changes)


def test_what_lio_cannot_hold_is_reported(tmp_path: Path) -> None:
    text = IETD + (
        "\tIncomingUser first firstpassword1\n"
        "\tIncomingUser second secondpassword\n"
        "\tLun 1 Path=/dev/null,Type=nullio\n"
    )
    r = convert(tmp_path, text)
    keys = {(c.key, c.severity) for c in r.changes}
    assert ("Wthreads", "warning") in keys
    assert ("IncomingUser", "action") in keys
    assert ("Lun", "action") in keys  # nullio


def test_wwids() -> None:
    # IET: T10 vendor id "IET" + 16 id bytes, printed in hex by scsi_id (the s000 seed's
    # initiators name such a WWID: 149455400000000000000000001000000691000000d000000)
    assert iet_wwid("web0") == "1" + "4945540000000000" + "77656230" + "0" * 24
    assert len(iet_wwid("x")) == len("149455400000000000000000001000000691000000d000000")
    # LIO: NAA 6, company 001405, then the serial's hex digits (target_core_spc.c)
    assert lio_wwid("b52668c2-467f-51b9-9e45-2ffc6b0944f5") == (
        "36001405" + "b52668c2467f51b99e452ffc6"
    )
    assert lio_wwid("web0") == "36001405" + "eb0".ljust(25, "0")


def test_failover_pair_gets_the_same_wwid(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = convert(tmp_path / "a"), convert(tmp_path / "b")
    assert [i.new_wwid for i in a.identities] == [i.new_wwid for i in b.identities]
    assert len({i.new_wwid for i in a.identities}) == 3


def test_impact_on_multipath_and_domus(tmp_path: Path) -> None:
    r = convert(tmp_path)
    old = r.identities[0].old_wwid
    mp = tmp_path / "multipath.conf"
    mp.write_text(
        "multipaths {\n"
        f"\tmultipath {{\n\t\twwid {old}\n\t\talias web\n\t}}\n"
        "\tmultipath {\n\t\twwid 3600508b4001046490000700000360000\n\t\talias other\n\t}\n"
        "}\n"
    )
    vm = tmp_path / "vm"
    vm.write_text(f"name = 'vm'\ndisk = ['phy:/dev/disk/by-id/scsi-{old},xvda,w']\n")
    out = wwid_impact(r, [xencfg.load(str(mp))], [xencfg.load(str(vm), format="xm")])
    assert [(c.path, c.line, c.key) for c in out] == [
        (str(mp), 2, "wwid"),
        (str(vm), 1, "disk"),
    ]
    assert r.identities[0].new_wwid in out[0].message


def test_seed_and_corpus_files_convert(tmp_path: Path) -> None:
    files = shared_files("seed-examples", pattern="ietd.conf") + shared_files("corpus", "ietd")
    for path in files:
        doc = xencfg.load(str(path), format="ietd")
        r = iet_to_lio(doc)
        json.loads(r.json())
        assert len(r.saveconfig["targets"]) == len([t for t in doc.targets if t.name])


def test_rtslib_accepts_our_names(tmp_path: Path) -> None:
    """Debian's python3-rtslib-fb checks every target and initiator name we write
    with its own normalize_wwn (the check Target() and NodeACL() make)."""
    python = shutil.which("python3", path="/usr/bin")
    probe = subprocess.run(
        [python or "python3", "-c", "import rtslib_fb"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        unavailable("python3-rtslib-fb is not installed")
    r = convert(tmp_path, initiators_allow=ALLOW)
    cfg = tmp_path / "saveconfig.json"
    cfg.write_text(r.json())
    check = (
        "import json, sys\n"
        "from rtslib_fb.utils import normalize_wwn\n"
        "c = json.load(open(sys.argv[1]))\n"
        "for t in c['targets']:\n"
        "    assert normalize_wwn(['iqn'], t['wwn'])[0] == t['wwn']\n"
        "    for tpg in t['tpgs']:\n"
        "        for a in tpg['node_acls']:\n"
        "            assert normalize_wwn(['iqn'], a['node_wwn'])[0] == a['node_wwn']\n"
        "        for lun in tpg['luns']:\n"
        "            bs, name = lun['storage_object'].split('/')[2:]\n"
        "            assert any(so['plugin'] == bs and so['name'] == name\n"
        "                       for so in c['storage_objects'])\n"
    )
    done = subprocess.run(
        [python or "python3", "-c", check, str(cfg)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_open_target_keeps_read_only_fileio_lun_read_only(tmp_path: Path) -> None:
    """A target open to everyone gets generated ACLs, which map each LUN writable unless
    demo_mode_write_protect=1 (rtslib-fb's LUN.setup reads no 'write_protect'; LIO's
    fileio backstore has no read-only switch): an IET IOMode=ro fileio LUN must not
    become writable; where ro and rw LUNs share such a target, the report says so."""
    ro_only = (
        "Target iqn.2008-01.com.example:storage.iso\n"
        "\tLun 0 Path=/srv/iso.img,Type=fileio,IOMode=ro\n"
    )
    r = convert(tmp_path, ietd=ro_only)
    attrs = r.saveconfig["targets"][0]["tpgs"][0]["attributes"]
    assert attrs["generate_node_acls"] == 1 and attrs["demo_mode_write_protect"] == 1
    mixed = ro_only + "\tLun 1 Path=/srv/rw.img,Type=fileio\n"
    r = convert(tmp_path, ietd=mixed)
    attrs = r.saveconfig["targets"][0]["tpgs"][0]["attributes"]
    assert attrs["demo_mode_write_protect"] == 0
    assert any(c.severity == "action" and "read-only fileio" in c.message for c in r.changes)


def test_image_file_lun_needs_its_size(tmp_path: Path) -> None:
    """rtslib-fb (tcm.py, FileIOStorageObject._configure) refuses a fileio object on a file
    without its size: 'Path is to a file, size needed', so targetctl restore drops the
    LUN; a block device needs none. The report asks for the size of each image file."""
    r = convert(tmp_path)
    todo = [c for c in r.changes if c.severity == "action" and "size" in c.message]
    assert len(todo) == 1 and "/srv/web-data.img" in todo[0].message
