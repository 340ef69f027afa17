"""Component releases: declared, inferred from the files, and the advice that depends on them.

Release facts come from the daemons' own sources, cited where they are used:

* drbd-utils (LINBIT/drbd-utils): ``user/v83/drbdadm_scanner.fl`` at ``be953fbd^``
  (the commit before "remove 8.3 utils"), ``user/v84/drbdadm_scanner.fl`` and
  ``user/v9/config_flags.c`` / ``drbdadm_parser.c`` at HEAD;
* multipath-tools (opensvc/multipath-tools): the ``install_keyword()`` calls of
  ``libmultipath/dict.c`` at each release tag.

Where a peer exists the verdict is also checked against the real tool:
``peer-drbdadm --mode 83|84|9`` (drbd-utils 9.22 with its 8.3 and 8.4 parsers) and
``peer-multipath`` (multipath-tools 0.9.4).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import ids, shared_files, shared_path, unavailable
from lintkit import tree
from xencfg import config, lint
from xencfg.cli import main
from xencfg.errors import XencfgError
from xencfg.formats.schema import InForce, Version
from xencfg.versions import parse_declared, parse_targets

V = Version.parse


def _findings(root: Path, versions: dict[str, str] | None = None, codes: str = "XC003,XC004,XC008"):
    declared = parse_declared(versions or {}, "test")
    result = lint.run([str(root)], select=codes.split(","), versions=declared)
    return [(f.code, f.line, f.message) for f in result.findings], result


# -- release numbers and declarations ----------------------------------------


def test_versions_compare_by_release_prefix() -> None:
    assert V("8.3") < V("8.4") < V("9") == V("9.0")
    assert V("8.3.11") < V("8.4") and V("8.3") <= V("8.3.0")
    assert V("0.4.7") < V("0.4.9") < V("0.5.0") < V("0.9.4") < V("0.10.0")
    with pytest.raises(ValueError):
        V("8.3a")


def test_config_versions_table_is_validated(tmp_path: Path) -> None:
    (tmp_path / ".xencfg.toml").write_text(
        '[versions]\ndrbd = "8.3"\n"multipath-tools" = "0.4.7"\nheartbeat = "2.1.4"\n'
    )
    settings = config.load(tmp_path / ".xencfg.toml")
    assert settings.versions == {
        "drbd": V("8.3"),
        "multipath-tools": V("0.4.7"),
        "heartbeat": V("2.1.4"),
    }
    bad = {
        "[versions]\ndrbd = 8.3\n": "must be a string",
        '[versions]\ndrdb = "8.3"\n': "unknown component 'drdb'",
        '[versions]\ndrbd = "eight"\n': "not a release number",
        'versions = "drbd=8.3"\n': "wants a table",
    }
    for text, message in bad.items():
        (tmp_path / ".xencfg.toml").write_text(text)
        with pytest.raises(XencfgError, match=message):
            config.load(tmp_path / ".xencfg.toml")


def test_target_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_targets(["drbd=8.3", "multipath-tools = 0.4.7"]) == {
        "drbd": V("8.3"),
        "multipath-tools": V("0.4.7"),
    }
    root = tree(tmp_path, "n", {"etc/drbd.conf": "resource r { disk { resync-rate 40M; } }\n"})
    assert main(["lint", "--target", "drbd", str(root)]) == 2
    assert "COMPONENT=VERSION" in capsys.readouterr().err
    assert main(["lint", "--target", "lvm=2", str(root)]) == 2
    assert main(["lint", "--select", "XC008", "--target", "drbd=8.4", str(root)]) == 0
    capsys.readouterr()
    assert main(["lint", "--select", "XC008", "--target", "drbd=8.3", str(root)]) == 1
    assert (
        "only DRBD 8.4 and later read it (not DRBD 8.3, declared); older releases spell it "
        "'rate' in 'syncer'" in capsys.readouterr().out
    )


def test_target_overrides_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, "n", {"etc/drbd.conf": "resource r { disk { resync-rate 40M; } }\n"})
    (tmp_path / ".xencfg.toml").write_text('[versions]\ndrbd = "8.3"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--select", "XC008", str(root)]) == 1
    assert main(["lint", "--select", "XC008", "--target", "drbd=9.1", str(root)]) == 0


# -- inference from the files ---------------------------------------------------

#: Corpus files of each era and what their keywords prove of the release.
ERAS = {
    # 0.7's incon-degr-cmd: every drbdadm from 8.0 on refuses it (peer: 83/84/9 REJECT)
    "drbd/drbd__scripts_drbd.conf@2004-07_v0.7": ("drbd", InForce(below=V("8.0"))),
    # syncer { rate }: drbdadm 9 refuses it ('a syncer option keyword' expected)
    "drbd/drbd__scripts_drbd.conf@2007-02_v8.0": ("drbd", InForce(below=V("9.0"))),
    "drbd/drbd__scripts_drbd.conf@2009-07_v8.3.2": ("drbd", InForce(below=V("9.0"))),
    # 8.4's disk-flushes & co. (user/v84/drbdadm_scanner.fl; v83 has only no-disk-flushes)
    "drbd/drbd__scripts_global_common.conf@2014_v8.4": ("drbd", InForce(low=V("8.4"))),
    "drbd/drbdutils__tests_v84_man.res": ("drbd", InForce(low=V("8.4"))),
    # 8.4's volume and syncer's rate together: 8.4 exactly
    "drbd/drbdutils__tests_v9_drbd_8.4.res": ("drbd", InForce(low=V("8.4"), below=V("9.0"))),
    # node-id, connection-mesh: DRBD 9
    "drbd/drbdutils__tests_v9_man.res": ("drbd", InForce(low=V("9.0"))),
    # prio (dict.c from 0.4.9), find_multipaths (0.6.0), enable_foreign (0.9.0)
    "multipath/augeas__tests_root_etc_multipath.conf": (
        "multipath-tools",
        InForce(low=V("0.4.9")),
    ),
    # find_multipaths is upstream 0.6.0's, but Red Hat's 0.4.9 (RHEL 6) reads it too
    "multipath/dllinc-proxmox__multipath.conf": ("multipath-tools", InForce(low=V("0.4.9"))),
    "multipath/insights__tests_parsers_test_multipath_conf.py__MULTIPATH_CONF_CASE_1": (
        "multipath-tools",
        InForce(low=V("0.9.0")),
    ),
    # heartbeat 2's own CRM (no validate-with) / a Pacemaker 1.0 CIB
    "cib-hb2/hb__tools_ciblint.tests_cibs_cib.xml": ("heartbeat", InForce(below=V("2.99"))),
    "cib-pcmk1/pcmk10__pengine_test10_asymmetric.xml": ("pacemaker", InForce(low=V("1.0"))),
    # xend was removed in Xen 4.5
    "xend-sxp/xen__tools_examples_xend-config.sxp": ("xen", InForce(below=V("4.5"))),
}


@pytest.mark.parametrize("rel", sorted(ERAS))
def test_release_inferred_from_files_of_each_era(rel: str) -> None:
    path = shared_path("corpus", *rel.split("/"))
    component, expected = ERAS[rel]
    fmt = {
        "drbd": "drbd",
        "multipath": "multipath",
        "cib-hb2": "cib",
        "cib-pcmk1": "cib",
        "xend-sxp": "xend",
    }[rel.split("/")[0]]
    got = lint.run([str(path)], select=["XC004"], force_format=fmt).cluster.versions.of(component)
    assert (got.low, got.below, got.exact) == (expected.low, expected.below, None)
    assert got.source.startswith("inferred from ")


def test_seed_era_and_dialect() -> None:
    """s001's drbd.conf (heartbeat 2 + DRBD 8 era) is written in 8.0-8.3 syntax."""
    path = shared_path("seed-examples", "s001-drbd-heartbeat", "xen1", "etc", "drbd.conf")
    doc = xencfg.load(path)
    assert doc.dialect == "8.3"
    got = lint.run([str(path.parent.parent)], select=["XC004"]).cluster.versions.of("drbd")
    assert (got.low, got.below) == (None, V("9.0"))


def test_python_domu_means_xm(tmp_path: Path) -> None:
    root = tree(tmp_path, "n", {"etc/xen/vm/web": "import os\nname = 'web'\nmemory = 512\n"})
    assert lint.run([str(root)]).cluster.versions.of("xen").below == V("4.5")
    plain = tree(tmp_path, "p", {"etc/xen/vm/web": "name = 'web'\nmemory = 512\n"})
    assert not lint.run([str(plain)]).cluster.versions.of("xen").known
    # xl.conf: xl came with Xen 4.1; beside xend-config.sxp both toolstacks ran (4.1-4.4)
    both = tree(
        tmp_path,
        "b",
        {
            "etc/xen/xl.conf": "autoballoon = 0\n",
            "etc/xen/xend-config.sxp": "(xend-http-server no)\n",
        },
    )
    xen = lint.run([str(both)]).cluster.versions.of("xen")
    assert (xen.low, xen.below) == (V("4.1"), V("4.5"))


# -- advice per release ------------------------------------------------------------

DRBD83 = """resource r0 {
  protocol C;
  syncer { rate 40M; }
  disk { no-disk-flushes; }
  handlers { pri-on-incon-degr "/usr/lib/drbd/notify-pri-on-incon-degr.sh"; }
  on alpha { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }
  on beta { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }
}
"""


def test_drbd_advice_for_83(tmp_path: Path) -> None:
    """On DRBD 8.3 the file's spellings are the only ones: no advice, never 'resync-rate'."""
    root = tree(tmp_path, "a", {"etc/drbd.conf": DRBD83})
    found, _ = _findings(root, {"drbd": "8.3"})
    assert found == []


def test_drbd_advice_for_84(tmp_path: Path) -> None:
    root = tree(tmp_path, "a", {"etc/drbd.conf": DRBD83})
    found, _ = _findings(root, {"drbd": "8.4"})
    assert [(code, line) for code, line, _ in found] == [("XC004", 3), ("XC004", 3), ("XC004", 4)]
    syncer, rate, flushes = (m for _, _, m in found)
    assert rate == (
        "deprecated keyword 'rate': DRBD 8.4 and later still read it, as an old spelling; "
        "DRBD 9.0 and later with drbd-utils before 9.29 refuse it; write 'resync-rate' in "
        "'disk' (advice for DRBD 8.4, declared)"
    )
    assert "move its options to 'disk', 'net' and 'options'" in syncer
    assert "write 'disk-flushes no'" in flushes


def test_drbd_advice_for_9(tmp_path: Path) -> None:
    """drbdadm 9 of drbd-utils before 9.29 refuses syncer's rate (XC008, an error);
    the rest is still read. drbd-utils 9.29 reads it as resync-rate (commit e1dcf310,
    user/v9/drbdadm_parser.c parse_options_syncer: check_deprecated_alias, then
    peer_device_options_ctx), so with drbd-utils unknown it is a warning."""
    root = tree(tmp_path, "a", {"etc/drbd.conf": DRBD83})
    found, result = _findings(root, {"drbd": "9.1", "drbd-utils": "9.22"})
    assert [(code, line) for code, line, _ in found] == [("XC004", 3), ("XC008", 3), ("XC004", 4)]
    assert found[1][2] == (
        "keyword 'rate': DRBD 9.0 and later with drbd-utils before 9.29 refuse it "
        "(DRBD 9.1, declared; drbd-utils 9.22, declared); write 'resync-rate' in 'disk'"
    )
    assert result.exit_code() == 1
    found, result = _findings(root, {"drbd": "9.1"})
    assert [(code, line) for code, line, _ in found] == [("XC004", 3), ("XC008", 3), ("XC004", 4)]
    unknown = "drbd-utils release not known: declare it, e.g. --target drbd-utils=9.29"
    assert unknown in found[1][2]
    assert [f.severity for f in result.findings if f.code == "XC008"] == ["warning"]
    found, _ = _findings(root, {"drbd": "9.1", "drbd-utils": "9.29"})
    assert [code for code, _, _ in found] == ["XC004", "XC004"]


def test_drbd_advice_without_a_release(tmp_path: Path) -> None:
    """Nothing declared: the file's own 'rate' shows a release before 9.0, which may be
    8.3, so the replacement is named with the release it needs."""
    root = tree(tmp_path, "a", {"etc/drbd.conf": DRBD83})
    found, _ = _findings(root)
    rate = found[1][2]
    assert "from DRBD 8.4 on write 'resync-rate' in 'disk' (older releases refuse that" in rate
    assert "advice for DRBD before 9.0, inferred from 'rate' at " in rate


def test_pri_on_incon_degr_is_a_current_handler(tmp_path: Path) -> None:
    """DRBD 8.4 and 9 still run the handler: drbd-utils user/v84/drbdadm_scanner.fl:168
    (TK_HANDLER_OPTION), user/v9/config_flags.c:1348 and drbdadm_main.c:463 (khelper),
    and the DRBD 9 kernel calls it (LINBIT/drbd drbd/drbd_state.c:4270)."""
    root = tree(tmp_path, "a", {"etc/drbd.conf": DRBD83})
    for release in ("8.3", "8.4", "9.0", None):
        found, _ = _findings(root, {"drbd": release} if release else None)
        assert not [f for f in found if "pri-on-incon-degr" in f[2]], release


def test_declared_release_wins_over_the_files(tmp_path: Path) -> None:
    conf = "resource r { disk { resync-rate 40M; } options { quorum majority; } }\n"
    root = tree(tmp_path, "a", {"etc/drbd.conf": conf})
    _, result = _findings(root)
    assert result.cluster.versions.of("drbd").low == V("9.0")  # quorum: DRBD 9
    found, result = _findings(root, {"drbd": "8.4"})
    # (a declared "8.4" is the 8.4 series: tests/test_declared_series.py)
    assert result.cluster.versions.of("drbd") == InForce(V("8.4"), V("8.5"), source="declared")
    assert [(c, m) for c, _, m in found] == [
        ("XC008", "keyword 'quorum': only DRBD 9.0 and later read it (not DRBD 8.4, declared)")
    ]


MP047 = """defaults {
\tudev_dir /dev
\tselector "round-robin 0"
\tgetuid_callout "/sbin/scsi_id -g -u -s /block/%n"
\tprio_callout "/sbin/mpath_prio_alua /dev/%n"
}
"""


def test_multipath_advice_for_047(tmp_path: Path) -> None:
    """0.4.7's dict.c reads udev_dir, selector, getuid_callout and prio_callout; uid_attribute
    came with 0.5.0, prio with 0.4.9: a 0.4.7 cluster is told none of them."""
    root = tree(tmp_path, "a", {"etc/multipath.conf": MP047})
    found, _ = _findings(root, {"multipath-tools": "0.4.7"})
    assert found == []
    root2 = tree(
        tmp_path, "b", {"etc/multipath.conf": 'defaults {\n\tuid_attribute "ID_SERIAL"\n}\n'}
    )
    found, _ = _findings(root2, {"multipath-tools": "0.4.7"})
    assert found == [
        (
            "XC003",
            2,
            "keyword 'uid_attribute': only multipath-tools 0.5.0 and later read it "
            "(not multipath-tools 0.4.7, declared); older releases spell it 'getuid_callout'",
        )
    ]


def test_multipath_advice_for_094(tmp_path: Path) -> None:
    root = tree(tmp_path, "a", {"etc/multipath.conf": MP047})
    found, _ = _findings(root, {"multipath-tools": "0.9.4"})
    assert [(c, line) for c, line, _ in found] == [("XC004", n) for n in (2, 3, 4, 5)]
    assert found[2][2] == (
        "deprecated keyword 'getuid_callout': multipath-tools 0.9.0 and later ignore it "
        "(multipath-tools 0.9.4, declared); write 'uid_attribute'"
    )
    assert "write 'prio'" in found[3][2]


def test_multipath_advice_without_a_release_names_the_release(tmp_path: Path) -> None:
    root = tree(tmp_path, "a", {"etc/multipath.conf": MP047})
    found, _ = _findings(root)
    getuid = found[2][2]
    assert "from multipath-tools 0.5.0 on write 'uid_attribute'" in getuid
    assert "--target multipath-tools=VERSION" in getuid
    # every message that names a replacement says from which release it is read
    assert all("; write" not in m for _, _, m in found if "uid_attribute" in m or "prio'" in m)


# -- the peers: the daemons' own verdicts -----------------------------------------------


def _peer(name: str, binary: str) -> Path:
    peer = shared_path("oracle", "peers", name)
    problem = None
    if shutil.which(binary) is None:
        problem = f"{binary} is not installed"
    elif os.geteuid() != 0:
        problem = f"{name} needs root (unshare)"
    if problem:
        unavailable(problem)
    return peer


def _drbdadm(path: Path, mode: str, node: str = "alpha") -> tuple[bool, str]:
    peer = _peer("peer-drbdadm", "drbdadm")
    out = subprocess.run(
        [str(peer), "--mode", mode, "--node", node, str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    return out.returncode == 0, out.stdout


def _resource(section: str, statement: str, mode: str) -> str:
    inner = statement if section == "resource" else f"{section} {{ {statement} }}"
    ids = (" node-id 0;", " node-id 1;") if mode == "9" else ("", "")
    return (
        f"resource r0 {{\n  protocol C;\n  {inner}\n"
        f"  on alpha {{ device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; "
        f"meta-disk internal;{ids[0]} }}\n"
        f"  on beta {{ device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; "
        f"meta-disk internal;{ids[1]} }}\n}}\n"
    )


#: (section, statement, release, the finding lint gives): each checked with drbdadm of
#: that release; XC008 exactly where drbdadm refuses the file.
DRBD_CASES = [
    ("disk", "resync-rate 10M;", "8.3", "XC008"),
    ("disk", "resync-rate 10M;", "8.4", None),
    ("syncer", "rate 10M;", "8.3", None),
    ("syncer", "rate 10M;", "8.4", "XC004"),
    ("syncer", "rate 10M;", "9", "XC008"),
    ("disk", "no-disk-flushes;", "9", "XC004"),  # 9 still reads it
    ("disk", "disk-flushes no;", "8.3", "XC008"),
    ("net", "csums-alg sha1;", "8.3", "XC008"),  # 8.3: a syncer option
    ("net", "tcp-cork no;", "8.3", "XC008"),
    ("disk", "use-bmbv;", "8.4", None),
    ("disk", "use-bmbv;", "9", "XC008"),
    ("disk", "max-bio-bvecs 1;", "9", "XC008"),
    ("disk", "fencing resource-only;", "9", "XC008"),  # 9 reads it in net
    ("net", "fencing resource-only;", "8.4", "XC008"),
    ("syncer", "delay-probe-volume 16k;", "8.4", "XC008"),
    ("options", "cpu-mask 1;", "8.3", "XC008"),
    ("options", "quorum majority;", "8.4", "XC008"),
    ("handlers", 'unfence-peer "/bin/true";', "8.3", "XC008"),
    ("handlers", 'outdate-peer "/bin/true";', "9", "XC004"),  # read, as fence-peer
    ("handlers", 'pri-on-incon-degr "/bin/true";', "8.3", None),
    ("handlers", 'pri-on-incon-degr "/bin/true";', "8.4", None),
    ("handlers", 'pri-on-incon-degr "/bin/true";', "9", None),
    ("options", "auto-promote yes;", "8.4", "XC008"),
    ("net", "transport tcp;", "8.4", "XC008"),
    ("net", "allow-remote-read yes;", "8.4", "XC008"),
    ("handlers", 'quorum-lost "/bin/true";', "8.4", "XC008"),
    ("disk", "al-extents 257;", "8.3", "XC008"),  # 8.3: a syncer option
    ("disk", "read-balancing prefer-local;", "8.3", "XC008"),
    ("net", "socket-check-timeout 0;", "8.3", "XC008"),
    ("syncer", "throttle-threshold 20;", "8.4", "XC008"),
    ("syncer", "verify-alg sha1;", "9", None),  # 9 still reads syncer's verify-alg
    ("syncer", "after r0;", "9", "XC004"),  # read, as resync-after
    ("disk", "disk-timeout 0;", "8.3", None),
    # 8.3's switches take no value (user/v83/drbdadm_scanner.fl: TK_NET_SWITCH, ...)
    ("net", "allow-two-primaries yes;", "8.3", "XC008"),
    ("net", "allow-two-primaries;", "8.3", None),
    ("net", "allow-two-primaries yes;", "8.4", None),
    ("startup", "wait-after-sb yes;", "8.3", "XC008"),
    ("net", "protocol C;", "8.3", "XC008"),
    ("net", "protocol C;", "8.4", None),
]


@pytest.mark.peer
@pytest.mark.parametrize(("section", "statement", "release", "code"), DRBD_CASES)
def test_drbd_release_findings_match_drbdadm(
    tmp_path: Path, section: str, statement: str, release: str, code: str | None
) -> None:
    mode = {"8.3": "83", "8.4": "84", "9": "9"}[release]
    path = tmp_path / "drbd.conf"
    path.write_text(_resource(section, statement, mode))
    accepted, verdict = _drbdadm(path, mode)
    root = tree(tmp_path, "alpha", {"etc/drbd.conf": path.read_text()})
    # (the peer's drbdadm is drbd-utils 9.22's: 9.29 reads more in syncer and disk)
    found, _ = _findings(root, {"drbd": release, "drbd-utils": "9.22"})
    # the finding is on the keyword (on the section for a section 8.3 lacks)
    key = section if (section, release) == ("options", "8.3") else statement.split()[0].rstrip(";")
    assert [c for c, _, m in found if f"'{key}'" in m] == ([code] if code else [])
    assert accepted == (code != "XC008"), verdict


MP_CASES = [
    # dict.c at 0.9.4: getuid_callout is a deprecated_handler ("ignoring deprecated
    # option"), selector/udev_dir/default_* are gone ("invalid keyword"), auto_resize is
    # 0.9.7's; uid_attribute is read
    ('getuid_callout "/lib/udev/scsi_id -g -u -d /dev/%n"', "XC004"),
    ('selector "round-robin 0"', "XC004"),
    ("udev_dir /dev", "XC004"),
    ('default_features "0"', "XC004"),
    ("auto_resize grow_on", "XC003"),
    ('uid_attribute "ID_SERIAL"', None),
]


@pytest.mark.peer
@pytest.mark.parametrize(("statement", "code"), MP_CASES)
def test_multipath_release_findings_match_multipath_094(
    tmp_path: Path, statement: str, code: str | None
) -> None:
    peer = _peer("peer-multipath", "multipath")
    text = f"defaults {{\n\t{statement}\n}}\n"
    path = tmp_path / "multipath.conf"
    path.write_text(text)
    out = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=120)
    complains = out.returncode != 0
    root = tree(tmp_path, "n", {"etc/multipath.conf": text})
    found, _ = _findings(root, {"multipath-tools": "0.9.4"})
    assert [c for c, _, _ in found] == ([code] if code else [])
    assert complains == (code is not None), out.stdout


# -- builders write the document's dialect -----------------------------------------------


@pytest.mark.peer
def test_add_resource_in_an_83_file_round_trips_through_drbdadm_83(tmp_path: Path) -> None:
    seed = shared_path("seed-examples", "s001-drbd-heartbeat", "xen1", "etc", "drbd.conf")
    doc = xencfg.load(seed)
    assert doc.dialect == "8.3"
    res = doc.add_resource(
        "vm9",
        protocol="C",
        options={
            "disk": {"resync-rate": "40M", "disk-flushes": "no"},
            "net": {"allow-two-primaries": "yes", "verify-alg": "sha1"},
        },
    )
    res.add_host(
        "xen1", "10.0.0.1:7799", device="/dev/drbd9", disk="/dev/vg/vm9", meta_disk="internal"
    )
    res.add_host(
        "xen2", "10.0.0.2:7799", device="/dev/drbd9", disk="/dev/vg/vm9", meta_disk="internal"
    )
    text = xencfg.dumps(doc)
    added = text[text.index("resource vm9") :]
    assert "protocol C;" in added and "syncer {" in added and "rate 40M;" in added
    assert "no-disk-flushes;" in added and "allow-two-primaries;" in added
    assert "resync-rate" not in added and "disk-flushes no" not in added
    out = tmp_path / "drbd.conf"
    out.write_text(text)
    accepted, verdict = _drbdadm(out, "83", node="xen1")
    assert accepted, verdict
    dumped = verdict[verdict.index("resource vm9") :]
    assert "rate" in dumped and "no-disk-flushes" in dumped
    # and lint, told it is 8.3, has nothing to say about the added resource
    root = tree(tmp_path, "xen1", {"etc/drbd.conf": text})
    found, _ = _findings(root, {"drbd": "8.3"})
    assert [f for f in found if f[1] > text[: text.index("resource vm9")].count("\n")] == []


def test_add_resource_writes_84_and_refuses_what_the_dialect_lacks() -> None:
    doc = xencfg.loads("resource a {\n  disk { resync-rate 10M; }\n}\n", "drbd")
    assert doc.dialect == "8.4"
    doc.add_resource("b", protocol="C", options={"disk": {"resync-rate": "40M"}})
    assert "net {\n    protocol C;\n  }\n  disk {\n    resync-rate 40M;" in xencfg.dumps(doc)
    with pytest.raises(ValueError, match=r"DRBD 8\.4 has no 'quorum'"):
        doc.add_resource("c", options={"options": {"quorum": "majority"}})
    doc.resources["b"].add_host("x", node_id=1)  # 8.4 syntax is DRBD 9's too
    doc.resources["b"].add_volume(0)
    old = xencfg.loads("resource a {\n  syncer { rate 10M; }\n}\n", "drbd")
    with pytest.raises(ValueError, match=r"DRBD 8\.3 has no 'al-updates'"):
        old.add_resource("b", options={"disk": {"al-updates": "no"}})
    old.add_resource("b", options={"disk": {"al-updates": "no"}}, dialect="8.4")
    old.resources["a"].add_volume(0)  # 8.4 reads syncer { rate } and volumes
    # but DRBD 9 refuses syncer's 'rate': a node-id would make a file no release reads
    with pytest.raises(ValueError, match=r"holds 'rate', which DRBD 9\.0 and later refuse"):
        old.resources["a"].add_host("x", node_id=0)
    fresh = xencfg.loads("", "drbd")
    fresh.add_resource("r", protocol="B", dialect="8.3")
    assert xencfg.dumps(fresh) == "resource r {\n    protocol B;\n}\n"


def test_is010_names_the_deprecation_only_from_iet_14(tmp_path: Path) -> None:
    """IET 1.4 made initiators.deny obsolete; on an older IET it is the release's own
    mechanism, so only the hazard (unmatched initiators are admitted) is reported."""
    files = {
        "etc/ietd.conf": "Target iqn.2006-01.net.example:t1\n\tLun 0 Path=/dev/sdb,Type=blockio\n",
        "etc/initiators.allow": "iqn.2006-01.net.example:t1 10.0.0.11\n",
        "etc/initiators.deny": "iqn.2006-01.net.example:t1 ALL\n",
    }
    root = tree(tmp_path, "s", files)
    for release, deprecated in ((None, True), ("1.4.20", True), ("0.4.17", False)):
        declared = parse_declared({"iscsitarget": release} if release else {}, "test")
        result = lint.run([str(root)], select=["IS010"], versions=declared)
        [message] = [f.message for f in result.findings]
        assert ("deprecated since IET 1.4" in message) == deprecated, release
        assert "ietd admits every initiator it does not match" in message


def test_each_node_runs_its_own_release(tmp_path: Path) -> None:
    """Mid-upgrade, one node's files in DRBD 9 syntax say nothing of the other node's
    release: its 'syncer { rate }' is advice (XC004), not a refusal (XC008)."""
    a = tree(tmp_path, "a", {"etc/drbd.conf": "resource r { options { quorum majority; } }\n"})
    b = tree(tmp_path, "b", {"etc/drbd.conf": "resource r { syncer { rate 10M; } }\n"})
    result = lint.run([str(a), str(b)], select=["XC004", "XC008"])
    versions = result.cluster.versions
    assert versions.of("drbd", "a").low == V("9.0")
    assert versions.of("drbd", "b").below == V("9.0")
    assert versions.of("drbd").low == V("9.0")  # over all files: the newest wins
    assert sorted({(Path(f.path).parts[-3], f.code) for f in result.findings}) == [("b", "XC004")]
    # one release declared for the cluster holds for every node
    result = lint.run([str(a), str(b)], select=["XC008"], versions={"drbd": V("9.0")})
    assert [(Path(f.path).parts[-3], f.code) for f in result.findings] == [("b", "XC008")]


def test_disk_rate_is_84s_alias(tmp_path: Path) -> None:
    """drbdadm 8.4 reads 'rate' and 'after' in disk as resync-rate/resync-after
    (user/v84/drbdadm_parser.c check_and_change_deprecated_alias); 8.3 and 9 refuse them
    there (peer: disk { rate 10M; } REJECT in modes 83 and 9)."""
    root = tree(tmp_path, "a", {"etc/drbd.conf": "resource r { disk { rate 10M; } }\n"})
    for release, codes in (("8.3", ["XC008"]), ("8.4", ["XC004"]), ("9.0", ["XC008"])):
        found, _ = _findings(root, {"drbd": release})
        assert [c for c, _, _ in found] == codes, release


@pytest.mark.peer
def test_python_domu_on_xen_45_and_later_matches_xl(tmp_path: Path) -> None:
    """Xen 4.5 removed xend and xm; xl refuses Python in a domU config (peer-xl, Xen 4.17:
    "config parsing error near `os': syntax error")."""
    text = 'import os\nname = "web"\nmemory = 512\ndisk = ["phy:/dev/vg/web,xvda,w"]\n'
    root = tree(tmp_path, "n", {"etc/xen/vm/web": text})
    peer = _peer("peer-xl", "xl")
    out = subprocess.run(
        [str(peer), str(root / "etc/xen/vm/web")], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.startswith("REJECT") and ":1: config parsing error" in out.stdout
    for release, lines in (("4.17", [1]), ("4.5", [1]), ("4.4", []), (None, [])):
        declared = parse_declared({"xen": release} if release else {}, "test")
        result = lint.run([str(root)], select=["XC008"], versions=declared)
        assert [f.line for f in result.findings] == lines, release
    [finding] = lint.run([str(root)], select=["XC008"], versions={"xen": V("4.17")}).findings
    assert finding.message.startswith("Python code: xl refuses the file (Xen 4.17, declared")


def test_heartbeat_and_iet_generations(tmp_path: Path) -> None:
    """ha.cf's 'crm yes' needs heartbeat 2.0 (its CRM); a CIB without validate-with is
    heartbeat 2.x's own (2.99 handed the CRM to Pacemaker); IET 1.4 keeps its files in
    /etc/iet. Both heartbeat facts narrow one range."""
    from conftest import FIXTURES

    hb2 = (FIXTURES / "cib" / "valid" / "hb2-crlf.xml").read_text()
    root = tree(
        tmp_path,
        "a",
        {
            "etc/ha.d/ha.cf": "node a\nnode b\ncrm yes\n",
            "var/lib/heartbeat/crm/cib.xml": hb2,
            "etc/iet/ietd.conf": "Target iqn.2006-01.net.example:t1\n\tLun 0 Path=/dev/sdb\n",
        },
    )
    versions = lint.run([str(root)], select=["XC004"]).cluster.versions
    hb = versions.of("heartbeat", "a")
    assert (hb.low, hb.below) == (V("2.0"), V("2.99"))
    assert "'crm yes' at " in hb.source and "a heartbeat-2 CIB at " in hb.source
    assert versions.of("iscsitarget").low == V("1.4")
    assert versions.describe()["heartbeat"].startswith("heartbeat 2.0 or later, before 2.99")


def test_keywords_newer_than_the_checked_release(tmp_path: Path) -> None:
    """auto_resize is multipath-tools 0.9.7's (dict.c at 0.9.7); the tables were checked
    with 0.9.4, which says "invalid keyword". Without a declaration that stays a warning
    (the keyword itself proves nothing of what runs); with 0.9.7 declared it is read."""
    text = "defaults {\n\tfind_multipaths yes\n\tauto_resize grow_on\n}\n"
    root = tree(tmp_path, "a", {"etc/multipath.conf": text})
    found, result = _findings(root)
    assert found == [
        ("XC003", 3, "keyword 'auto_resize': only multipath-tools 0.9.7 and later read it")
    ]
    # find_multipaths: upstream 0.6.0, Red Hat's 0.4.9 (RHEL 6) reads it as well
    assert result.cluster.versions.of("multipath-tools").low == V("0.4.9")
    assert _findings(root, {"multipath-tools": "0.9.7"})[0] == []


#: Red Hat-era files: each uses a keyword Red Hat backported beside one its base
#: release still reads and upstream renamed later.
RHEL5_MP = (
    "defaults {\n\tmax_fds 8192\n\tflush_on_last_del yes\n"
    '\tprio_callout "/sbin/mpath_prio_alua /dev/%n"\n}\n'
)
RHEL6_MP = (
    "defaults {\n\tfind_multipaths yes\n\tchecker_timeout 60\n"
    '\tgetuid_callout "/lib/udev/scsi_id --whitelisted --device=/dev/%n"\n}\n'
)
#: A file that does prove 0.5.0 (uid_attribute is read by no build before it).
MP_050 = 'defaults {\n\tuid_attribute "ID_SERIAL"\n\tgetuid_callout "/bin/true"\n}\n'


@pytest.mark.parametrize(
    ("text", "old", "low", "caveat"),
    [
        (RHEL5_MP, "prio_callout", "0.4.5", True),
        (RHEL6_MP, "getuid_callout", "0.4.9", True),
        (MP_050, "getuid_callout", "0.5.0", False),
    ],
    ids=["rhel5", "rhel6", "upstream-0.5"],
)
def test_backported_keywords_prove_only_their_base(
    tmp_path: Path, text: str, old: str, low: str, caveat: bool
) -> None:
    """max_fds and flush_on_last_del came with RHEL 4.7/5.3 (0.4.5/0.4.7 bases), and
    find_multipaths and checker_timeout with RHEL 6 (0.4.9), which still reads
    getuid_callout (RHEL 7 moved to uid_attribute): the RHEL DM Multipath guides.
    Inferring upstream's 0.6.0 from them told RHEL 6 admins to write uid_attribute,
    which their multipath ignores."""
    root = tree(tmp_path, "a", {"etc/multipath.conf": text})
    found, result = _findings(root)
    assert result.cluster.versions.of("multipath-tools").low == V(low)
    [message] = [m for code, _, m in found if code == "XC004" and f"'{old}'" in m]
    assert (f"keep '{old}' while one runs" in message) is caveat


RHEL5_EXCEPTIONS = (
    'blacklist {\n\twwid ".*"\n}\n'
    "blacklist_exceptions {\n\twwid 3600508b4000156d700012000000b0000\n}\n"
    'defaults {\n\tgetuid_callout "/sbin/scsi_id -g -u -s /block/%n"\n}\n'
)


def test_rhel5_blacklist_exceptions_is_a_047_keyword(tmp_path: Path) -> None:
    """RHEL 5's device-mapper-multipath is 0.4.7 and reads blacklist_exceptions (Red Hat
    Enterprise Linux 5 DM Multipath guide, 4.2.4 "Blacklist Exceptions"; upstream's
    dict.c has it from 0.4.8). Lint inferred 0.4.8 or later from it, and on a declared
    0.4.7 said only 0.4.8 reads it, even on a node with /etc/redhat-release."""
    root = tree(tmp_path, "a", {"etc/multipath.conf": RHEL5_EXCEPTIONS})
    found, result = _findings(root)
    assert result.cluster.versions.of("multipath-tools").low == V("0.4.7")
    assert [c for c, _, _ in found if c == "XC003"] == []
    rhel = tree(
        tmp_path,
        "rhel5",
        {
            "etc/multipath.conf": RHEL5_EXCEPTIONS,
            "etc/redhat-release": "Red Hat Enterprise Linux Server release 5.11 (Tikanga)\n",
        },
    )
    assert _findings(rhel, {"multipath-tools": "0.4.7"})[0] == []
    # no redhat-release: upstream 0.4.7 (SLES 10's) skips the section; the warning says
    # both (and an older base than any Red Hat build read it on stays too new)
    found, _ = _findings(root, {"multipath-tools": "0.4.7"})
    assert [(c, ln) for c, ln, _ in found] == [("XC003", 4)]
    assert "Red Hat's build of 0.4.7, which backported it" in found[0][2]
    found, _ = _findings(root, {"multipath-tools": "0.4.5"})
    # 0.4.5 reads no "blacklist" either: its dict.c line 595 has devnode_blacklist only
    assert [(c, ln) for c, ln, _ in found] == [("XC003", 1), ("XC003", 4)]
    assert "spell it 'devnode_blacklist'" in found[0][2]
    assert "backported" not in found[1][2]


def test_dropped_directives_are_not_called_harmless(tmp_path: Path) -> None:
    """XC004 said "it has no effect now" of ha.cf's hbaping and normalpoll, but heartbeat
    3.0.6 refuses to start on them (peer-heartbeat: "Illegal directive [normalpoll]")."""
    root = tree(tmp_path, "a", {"etc/ha.d/ha.cf": "node a\nnode b\nnormalpoll 1\n"})
    [message] = [m for _, _, m in _findings(root, codes="XC004")[0]]
    assert "no effect" not in message
    assert message == (
        "deprecated keyword 'normalpoll'; later releases ignore or refuse it: drop the line"
    )


# -- differential: drbdadm 8.3 and 9 over the corpus and seeds -------------------------

_GOT = re.compile(r"Parse error: .*?expected,\s+but got '([^']+?)(?:\.\.\.)?'", re.S)
#: DRBD 9 keywords the peer's drbd-utils 9.22 does not read: tiebreaker (9.0's volume form,
#: read again from 9.34), and ones later drbd-utils added (tests/test_drbd_peer.py, _V92).
_NOT_BY_922 = {"tiebreaker", "load-balance-paths", "block-size", "outside-address"}
DIFF_FILES = [
    p
    for p in shared_files("corpus", "drbd") + shared_files("seed-examples", pattern="drbd.conf")
    if not p.name.endswith(".txt") and "show" not in p.name
]


@pytest.mark.peer
@pytest.mark.parametrize("path", DIFF_FILES, ids=ids(DIFF_FILES))
@pytest.mark.parametrize("release", ["8.3", "9"])
def test_drbdadm_keyword_refusals_are_xc008(path: Path, release: str) -> None:
    """Where drbdadm of a release stops at a keyword ("... expected, but got 'rate'"),
    lint told that release names that keyword (XC008, or XC009 for one no release reads
    there); where drbdadm accepts the file, lint has no XC008."""
    text = path.read_text(errors="replace")
    node = re.search(r"^\s*on\s+([\w.-]+)", text, re.M)
    accepted, out = _drbdadm(path, {"8.3": "83", "9": "9"}[release], node[1] if node else "alpha")
    result = lint.run(
        [str(path)],
        select=["XC003", "XC008", "XC009"],
        force_format="drbd",
        versions={"drbd": V(release)},
    )
    if accepted:
        assert [f for f in result.findings if f.code == "XC008"] == []
        return
    got = _GOT.search(out)
    if got is None or got[1] in _NOT_BY_922 or not re.fullmatch(r"[\w-]+", got[1]):
        return  # refused for something else (semantics, includes, NBSP, the environment)
    if got[1] in ("yes", "no"):  # a value on what this release reads as a bare switch
        line = int(re.search(r":(\d+): Parse error", out)[1])  # type: ignore[index]
        assert [f for f in result.findings if f.line == line and "take a value" in f.message]
        return
    named = [f.message for f in result.findings if f"'{got[1]}" in f.message]
    assert named, (got[1], out.splitlines()[0])


MP_FILES = shared_files("corpus", "multipath") + shared_files(
    "seed-examples", pattern="multipath.conf"
)


@pytest.mark.parametrize("path", MP_FILES, ids=ids(MP_FILES))
def test_multipath_094_findings_are_the_lines_multipath_t_complains_of(path: Path) -> None:
    """Told the cluster runs 0.9.4, XC003/XC004 fall on exactly the lines keyword_problems()
    marks, which tests/test_multipath_peer.py ties to `multipath -t` 0.9.4's complaints."""
    text = path.read_text(errors="replace")
    try:
        doc = xencfg.loads(text, "multipath")
    except xencfg.ParseError as exc:  # lint checks what did parse (XC001 says the rest)
        doc = exc.partial
        doc.source = text
    marked = {doc.position(node)[0] for node, _, _ in doc.keyword_problems()}
    result = lint.run(
        [str(path)],
        select=["XC003", "XC004"],
        force_format="multipath",
        versions={"multipath-tools": V("0.9.4")},
    )
    assert {f.line for f in result.findings} == marked


def test_verbose_lint_says_which_releases_are_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(
        tmp_path,
        "n",
        {
            "etc/drbd.conf": "resource r { disk { resync-rate 40M; } }\n",
            "etc/multipath.conf": 'defaults {\n\tuid_attribute "ID_SERIAL"\n}\n',
        },
    )
    main(["lint", "-v", "--target", "multipath-tools=0.9.4", str(root)])
    err = capsys.readouterr().err
    assert "version multipath-tools: multipath-tools 0.9.4, declared\n" in err
    assert "version drbd: DRBD 8.4 or later, inferred from 'resync-rate' at " in err


def test_release_constants_live_in_versions_only() -> None:
    """The releases the rules compare the release in force with are versions.py's
    constants (issue 21: one place); a rule module spelling a release of its own
    would drift from the inference that uses the same release."""
    from xencfg import versions
    from xencfg.formats.drbd.keywords import SCHEMA

    rules = Path(versions.__file__).parent / "rules"
    spelled = [
        f"{p.relative_to(rules)}:{n}"
        for p in sorted(rules.rglob("*.py"))
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"Version\.parse\(|\bV\(\"", line)
    ]
    assert spelled == []
    # the DRBD milestones are the schema's: node-id came with 9.0, resync-rate with 8.4
    assert SCHEMA.keyword("host", "node-id").since == versions.DRBD_9  # type: ignore[union-attr]
    assert SCHEMA.keyword("disk", "resync-rate").since == versions.DRBD_84  # type: ignore[union-attr]
    assert versions.XEN_XL < versions.XEN_NO_XEND < versions.XEN_TYPE
    assert versions.HEARTBEAT_CRM < versions.HEARTBEAT_NO_CRM
