"""DR027 (include naming a missing file), DR028 (net settings the connect handshake
compares), DR029 (a domU's /dev/drbd/by-res/ or drbd:RES/VOL the node's DRBD does not
make): each expectation names the drbdadm verdict (/work/shared/oracle/peers/
peer-drbdadm, drbd-utils 9.22's 8.3, 8.4 and 9 parsers) or the source line behind it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import peer_tool
from test_rules_drbd import res, tree
from xencfg import lint
from xencfg.formats.schema import Version

GLOBAL = "global { usage-count no; }\n"


def _run(
    *roots: Path, code: str, versions: dict[str, str] | None = None
) -> list[tuple[str, str, int, list[int], str, str]]:
    result = lint.run(
        [str(r) for r in roots],
        select=[code],
        versions={k: Version.parse(v) for k, v in (versions or {}).items()},
    )
    return [
        (
            Path(f.path).parts[-3] if len(Path(f.path).parts) > 2 else "",
            Path(f.path).name,
            f.line,
            [r.line for r in f.related],
            f.severity,
            f.message,
        )
        for f in result.findings
    ]


# -- DR027 -------------------------------------------------------------------


def test_dr027_include_of_a_missing_file(tmp_path: Path) -> None:
    # peer-drbdadm --mode 83/84/9 --node alpha: "drbd.conf:2: Failed to open include
    # file 'drbd.d/missing.conf'." (rc 10). include_stmt, user/v9/drbdadm_parser.c:
    # glob() -> GLOB_NOMATCH and no '*', '?', '[' in the name -> config_valid = 0
    # (user/v84/drbdadm_parser.c alike; 8.3: LINBIT/drbd user/drbdadm_parser.c).
    top = GLOBAL + 'include "drbd.d/missing.conf";\ninclude "drbd.d/*.res";\n'
    bad = tree(tmp_path / "bad" / "alpha", {"etc/drbd.conf": top, "etc/drbd.d/r0.res": res("r0")})
    got = _run(bad, code="DR027")
    assert [g[1:5] for g in got] == [("drbd.conf", 2, [], "error")]
    assert "include 'drbd.d/missing.conf': no such file on alpha" in got[0][5]
    assert "Failed to open include file" in got[0][5]
    ok = tree(
        tmp_path / "ok" / "alpha",
        {
            "etc/drbd.conf": top,
            "etc/drbd.d/missing.conf": "",
            "etc/drbd.d/r0.res": res("r0"),
        },
    )
    assert _run(ok, code="DR027") == []


@pytest.mark.parametrize("mode", ["83", "84", "9"])
def test_dr027_verdicts_are_drbdadms(tmp_path: Path, mode: str) -> None:
    """The DR027 trees through the real drbdadm: the missing include refused (rc 10,
    "Failed to open include file"), the same tree with the file, or with only a
    pattern that matches nothing, accepted."""
    peer = peer_tool("peer-drbdadm", "drbdadm")
    body = res("r0")
    if mode == "9":  # drbdadm 9 wants node-id with a single local host section
        body = body.replace("  on alpha {\n", "  on alpha {\n    node-id 0;\n")
        body = body.replace("  on beta {\n", "  on beta {\n    node-id 1;\n")

    def verdict(root: Path) -> tuple[int, str]:
        p = subprocess.run(
            [str(peer), "--mode", mode, "--node", "alpha", str(root / "etc" / "drbd.conf")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return p.returncode, p.stdout

    top = GLOBAL + 'include "drbd.d/missing.conf";\ninclude "drbd.d/*.res";\n' + body
    bad = tree(tmp_path / "bad" / "alpha", {"etc/drbd.conf": top})
    rc, out = verdict(bad)
    assert rc == 1 and "drbd.conf:2: Failed to open include file 'drbd.d/missing.conf'." in out
    assert [g[1:3] for g in _run(bad, code="DR027")] == [("drbd.conf", 2)]
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": top, "etc/drbd.d/missing.conf": ""})
    assert verdict(ok)[0] == 0
    assert _run(ok, code="DR027") == []


def test_dr027_absolute_include_resolves_in_the_node_root(tmp_path: Path) -> None:
    # /etc/drbd.d/x.conf is the node's own /etc (never this machine's); a link that
    # leaves the tree is not followed (resolve_in_root), so it proves nothing either way
    top = GLOBAL + 'include "/etc/drbd.d/global_common.conf";\n' + res("r0")
    bad = tree(tmp_path / "bad" / "alpha", {"etc/drbd.conf": top})
    assert [g[1:3] for g in _run(bad, code="DR027")] == [("drbd.conf", 2)]
    ok = tree(
        tmp_path / "ok" / "alpha",
        {"etc/drbd.conf": top, "etc/drbd.d/global_common.conf": "common { }\n"},
    )
    assert _run(ok, code="DR027") == []
    # a file that exists only in an included file's folder, relative to that file
    nested = tree(
        tmp_path / "nested" / "alpha",
        {
            "etc/drbd.conf": GLOBAL + 'include "drbd.d/*.res";\n',
            "etc/drbd.d/r0.res": 'include "r0.extra";\n' + res("r0"),
        },
    )
    assert [g[1:3] for g in _run(nested, code="DR027")] == [("r0.res", 1)]


def test_dr027_links_followed_inside_the_node_tree_only(tmp_path: Path) -> None:
    # a link to /etc/drbd.d/real.conf is the node's file (resolve_in_root); a link to
    # /etc/os-release names the node's /etc/os-release, absent from the tree, never
    # this machine's (which exists): missing on the node
    top = GLOBAL + 'include "drbd.d/linked.conf";\n' + res("r0")
    ok = tree(tmp_path / "ok" / "alpha", {"etc/drbd.conf": top, "etc/drbd.d/real.conf": ""})
    (ok / "etc" / "drbd.d" / "linked.conf").symlink_to("/etc/drbd.d/real.conf")
    assert _run(ok, code="DR027") == []
    bad = tree(tmp_path / "bad" / "alpha", {"etc/drbd.conf": top})
    (bad / "etc" / "drbd.d").mkdir()
    (bad / "etc" / "drbd.d" / "linked.conf").symlink_to("/etc/os-release")
    assert Path("/etc/os-release").exists()
    assert [g[1:3] for g in _run(bad, code="DR027")] == [("drbd.conf", 2)]


def test_dr027_etckeeper_checkout(tmp_path: Path) -> None:
    # a tree that is only an /etc (etckeeper): /etc/... is the checkout itself
    top = GLOBAL + 'include "/etc/drbd.d/common.conf";\n' + res("r0")
    bad = tree(tmp_path / "bad" / "alpha", {"drbd.conf": top, ".etckeeper": ""})
    got = _run(bad, code="DR027")
    assert [g[1:3] for g in got] == [("drbd.conf", 2)]
    ok = tree(
        tmp_path / "ok" / "alpha",
        {"drbd.conf": top, ".etckeeper": "", "drbd.d/common.conf": ""},
    )
    assert _run(ok, code="DR027") == []


def test_dr027_glob_matching_nothing_only_before_8_3_8(tmp_path: Path) -> None:
    # peer-drbdadm 83/84/9: an include "drbd.d/*.res" matching nothing is OK; before
    # 8.3.8 drbdadm refused it too (LINBIT/drbd 509f23358 "drbdadm: Allow nullglob in
    # the include statements", ChangeLog 8.3.8: the old code fopen()ed, then glob()ed,
    # else "Failed to open include file").
    top = GLOBAL + 'include "drbd.d/*.res";\n' + res("r0")
    root = tree(tmp_path / "alpha", {"etc/drbd.conf": top})
    assert _run(root, code="DR027") == []
    assert _run(root, code="DR027", versions={"drbd": "8.3.13"}) == []
    got = _run(root, code="DR027", versions={"drbd": "8.3.7"})
    assert [g[1:3] for g in got] == [("drbd.conf", 2)]
    assert "before 8.3.8" in got[0][5]


# -- DR028 -------------------------------------------------------------------


def _pair(tmp_path: Path, alpha: str, beta: str, common: tuple[str, str] = ("", "")) -> list[Path]:
    return [
        tree(tmp_path / node, {"etc/drbd.conf": GLOBAL + c + res("r0", head=head)})
        for node, head, c in zip(("alpha", "beta"), (alpha, beta), common, strict=True)
    ]


def test_dr028_after_sb_and_two_primaries_differ(tmp_path: Path) -> None:
    # receive_protocol, drbd_receiver.c: "incompatible %s settings" for after-sb-0pri,
    # -1pri, -2pri, allow-two-primaries (LINBIT/drbd drbd-8.4.7 lines 4042-4067, master
    # 7d3945b1d lines 5930-5955); 8.3 (89bbbbaa3, 8.3.8rc1): "incompatible after-sb-0pri
    # settings" (2791), "incompatible setting of the two-primaries options" (2811).
    roots = _pair(
        tmp_path / "bad",
        "protocol C;\n  net { after-sb-1pri discard-secondary; allow-two-primaries; }",
        "protocol C;\n  net { after-sb-1pri consensus; }",
    )
    got = _run(*roots, code="DR028")
    assert [g[:5] for g in got] == [("beta", "drbd.conf", 4, [4], "error")]
    assert "after-sb-1pri consensus here, discard-secondary there" in got[0][5]
    assert "allow-two-primaries no here, yes there" in got[0][5]
    same = "protocol C;\n  net { after-sb-1pri consensus; allow-two-primaries yes; }"
    assert _run(*_pair(tmp_path / "ok", same, same), code="DR028") == []


def test_dr028_discard_local_pairs_with_discard_remote(tmp_path: Path) -> None:
    # convert_after_sb: "ASB_DISCARD_REMOTE - ASB_DISCARD_LOCAL is valid", any other
    # use of them must be mirrored; 8.3's cmp_after_sb alike. drbdadm turns
    # "discard-node-NAME" into discard-local on NAME, discard-remote elsewhere
    # (convert_discard_opt, user/v84/drbdadm_main.c).
    local = "protocol C;\n  net { after-sb-0pri discard-local; }"
    remote = "protocol C;\n  net { after-sb-0pri discard-remote; }"
    both = _run(*_pair(tmp_path / "bad", local, local), code="DR028")
    assert len(both) == 1 and "(needs discard-remote)" in both[0][5]
    assert _run(*_pair(tmp_path / "ok", local, remote), code="DR028") == []
    node = "protocol C;\n  net { after-sb-0pri discard-node-alpha; }"
    assert _run(*_pair(tmp_path / "node", node, node), code="DR028") == []


def test_dr028_common_inherited_not_text(tmp_path: Path) -> None:
    # the effective settings are compared: alpha's common sets what beta's resource sets
    head = "protocol C;"
    alpha_common = "common { net { data-integrity-alg sha1; } }\n"
    same = _pair(
        tmp_path / "ok",
        head,
        "protocol C;\n  net { data-integrity-alg sha1; }",
        (alpha_common, ""),
    )
    assert _run(*same, code="DR028") == []
    # strcmp(integrity_alg, nc->integrity_alg): "incompatible data-integrity-alg"
    differ = _pair(tmp_path / "bad", head, head, (alpha_common, ""))
    got = _run(*differ, code="DR028")
    assert len(got) == 1 and "data-integrity-alg (none) here, sha1 there" in got[0][5]
    # at beta's resource (the default applies there), related: alpha's common statement
    assert got[0][:4] == ("beta", "drbd.conf", 2, [2])


def test_dr028_verify_alg_only_for_drbd8(tmp_path: Path) -> None:
    # receive_SyncParam: 8.3 / 8.4 disconnect on "Different verify-alg settings" while
    # connecting (drbd-8.4.7 drbd_receiver.c:4312); DRBD 9 only warns ("online verify
    # will be refused", master 7d3945b1d:6151). csums-alg disconnects on every release
    # (8.4.7:4326, master:6165).
    roots = _pair(
        tmp_path,
        "protocol C;\n  syncer { verify-alg sha1; }",
        "protocol C;\n  syncer { verify-alg md5; }",
    )
    got = _run(*roots, code="DR028", versions={"drbd": "8.3.13"})
    assert len(got) == 1 and "verify-alg md5 here, sha1 there" in got[0][5]
    assert _run(*roots, code="DR028", versions={"drbd": "9.2.0"}) == []


def test_dr028_discard_my_data_on_both(tmp_path: Path) -> None:
    # "incompatible %s settings", "discard-my-data" when both set it (8.3: "both sides
    # have the 'want_lose' flag set"); on one side only it is the point of the option
    one = "protocol C;\n  net { discard-my-data; }"
    assert _run(*_pair(tmp_path / "ok", one, "protocol C;"), code="DR028") == []
    got = _run(*_pair(tmp_path / "bad", one, one), code="DR028")
    assert len(got) == 1 and "discard-my-data on both" in got[0][5]


def test_dr028_authentication_settings(tmp_path: Path) -> None:
    # drbd_connect -> drbd_do_auth where cram-hmac-alg is set (drbd-8.4.7
    # drbd_receiver.c:1211 "Authentication of peer failed"; a peer without it sends no
    # challenge: "expected AuthChallenge packet" at 5760; 8.3.8rc1: 945, 4152)
    auth = 'protocol C;\n  net { cram-hmac-alg sha1; shared-secret "%s"; }'
    got = _run(*_pair(tmp_path / "bad", auth % "one", auth % "two"), code="DR028")
    assert len(got) == 1 and "shared-secret differs (values not shown)" in got[0][5]
    assert "one" not in got[0][5] and "two" not in got[0][5]
    none = _run(*_pair(tmp_path / "none", auth % "one", "protocol C;"), code="DR028")
    assert len(none) == 1 and "cram-hmac-alg (none) here, sha1 there" in none[0][5]
    assert _run(*_pair(tmp_path / "ok", auth % "one", auth % "one"), code="DR028") == []


# -- DR029 -------------------------------------------------------------------


def _dom0(root: Path, drbd: str, disk: str) -> Path:
    return tree(
        root,
        {
            "etc/drbd.conf": GLOBAL + drbd,
            "etc/xen/vm1.cfg": f"name = 'vm1'\nmemory = 512\ndisk = ['{disk}']\n",
        },
    )


VOLUMES = """resource r0 {
  net { protocol C; }
  volume 0 { device /dev/drbd0; disk /dev/sdb1; meta-disk internal; }
  on alpha { address 10.0.0.1:7788; }
  on beta { address 10.0.0.2:7788; }
}
"""


def test_dr029_per_volume_link_on_drbd_8_3(tmp_path: Path) -> None:
    # drbdadm 8.3 (DRBD_DRIVER_VERSION_OVERRIDE=8.3.13) sh-udev minor-0:
    # "RESOURCE=r0" (sh_udev, drbd-utils user/v83/drbdadm_main.c before be953fbd; the
    # rule: SYMLINK="drbd/by-res/$env{RESOURCE} ...") -- no /dev/drbd/by-res/r0/0
    bad = _dom0(tmp_path / "bad" / "alpha", res("r0"), "phy:/dev/drbd/by-res/r0/0,xvda,w")
    got = _run(bad, code="DR029", versions={"drbd": "8.3.13"})
    assert [g[1:5] for g in got] == [("vm1.cfg", 3, [], "error")]
    assert "DRBD 8.3's udev rule makes /dev/drbd/by-res/r0 only" in got[0][5]
    ok = _dom0(tmp_path / "ok" / "alpha", res("r0"), "phy:/dev/drbd/by-res/r0,xvda,w")
    assert _run(ok, code="DR029", versions={"drbd": "8.3.13"}) == []


def test_dr029_implicit_and_explicit_volumes_on_8_4(tmp_path: Path) -> None:
    # drbdadm 8.4.11 sh-udev minor-0: "RESOURCE=r0" without volume sections,
    # "RESOURCE=r0/0" with "volume 0 { ... }" (sh_udev, user/v84/drbdadm_main.c:
    # vol->implicit && !udev_always_symlink_vnr)
    implicit = _dom0(tmp_path / "i" / "alpha", res("r0"), "phy:/dev/drbd/by-res/r0/0,xvda,w")
    got = _run(implicit, code="DR029", versions={"drbd": "8.4.11"})
    assert len(got) == 1 and "has no 'volume' section" in got[0][5]
    unknown = _run(implicit, code="DR029")
    assert len(unknown) == 1 and unknown[0][4] == "warning"
    # DRBD 9: drbd-utils 9.28's rule ("drbdsetup udev") always adds /VOL: not reported
    assert _run(implicit, code="DR029", versions={"drbd": "9.2.0"}) == []
    explicit = _dom0(tmp_path / "e" / "alpha", VOLUMES, "phy:/dev/drbd/by-res/r0,xvda,w")
    got = _run(explicit, code="DR029", versions={"drbd": "8.4.11"})
    assert len(got) == 1 and "has 'volume' sections" in got[0][5]
    good = _dom0(tmp_path / "g" / "alpha", VOLUMES, "phy:/dev/drbd/by-res/r0/0,xvda,w")
    assert _run(good, code="DR029", versions={"drbd": "8.4.11"}) == []
    one = _dom0(tmp_path / "1" / "alpha", VOLUMES, "phy:/dev/drbd/by-res/r0/1,xvda,w")
    assert "no volume 1" in _run(one, code="DR029", versions={"drbd": "8.4.11"})[0][5]


def test_dr029_block_drbd_volume_on_8_3(tmp_path: Path) -> None:
    # block-drbd runs "drbdadm sh-dev $drbd_resource" (LINBIT/drbd scripts/block-drbd,
    # 8.3.8rc1 line 255): drbdadm 8.3 "sh-dev r0/0" -> "'r0/0' not defined in your
    # config."; 8.4.11 and 9.2.0 print /dev/drbd0
    bad = _dom0(tmp_path / "alpha", res("r0"), "drbd:r0/0,xvda,w")
    got = _run(bad, code="DR029", versions={"drbd": "8.3.13"})
    assert len(got) == 1 and "not defined in your config" in got[0][5]
    assert _run(bad, code="DR029", versions={"drbd": "8.4.11"}) == []
    plain = _dom0(tmp_path / "p" / "alpha", res("r0"), "drbd:r0,xvda,w")
    assert _run(plain, code="DR029", versions={"drbd": "8.3.13"}) == []
    # drbdadm 8.4.11 / 9.2.0 "sh-dev r0" with volume 0 and 1: "/dev/drbd0\n/dev/drbd1",
    # which block-drbd passes as one device to write_dev (LINBIT/drbd scripts/block-drbd
    # drbd-8.4.4 lines 255-265)
    two = VOLUMES.replace(
        "  on alpha",
        "  volume 1 { device /dev/drbd1; disk /dev/sdc1; meta-disk internal; }\n  on alpha",
    )
    many = _dom0(tmp_path / "m" / "alpha", two, "drbd:r0,xvda,w")
    got = _run(many, code="DR029", versions={"drbd": "8.4.11"})
    assert len(got) == 1 and "one line per volume (2 volumes)" in got[0][5]
    vol = _dom0(tmp_path / "v" / "alpha", two, "drbd:r0/1,xvda,w")
    assert _run(vol, code="DR029", versions={"drbd": "8.4.11"}) == []
    gone = _dom0(tmp_path / "g" / "alpha", two, "drbd:r0/2,xvda,w")
    # drbdadm 8.4.11 "sh-dev r0/2": "'r0/2' not defined in your config (for this host)."
    assert "no such volume" in _run(gone, code="DR029", versions={"drbd": "8.4.11"})[0][5]


def test_dr029_cib_xen_resource_config(tmp_path: Path) -> None:
    # the xen-drbd-hosts trees (a CIB Xen primitive's xmfile /etc/xen/vm/web on three
    # dom0s, r0 on xen1 and xen2): the guest's disk as the per-volume link on DRBD 8.3
    # is reported on the two hosts; xen3, no host of r0, is XN018's
    import shutil

    from conftest import FIXTURES

    root = tmp_path / "cluster"
    shutil.copytree(FIXTURES / "lint-trees" / "xen-drbd-hosts" / "good", root)
    nodes = [root / n for n in ("xen1", "xen2", "xen3")]
    assert _run(*nodes, code="DR029", versions={"drbd": "8.3.13"}) == []
    for n in nodes:
        cfg = n / "etc" / "xen" / "vm" / "web"
        cfg.write_text(
            cfg.read_text().replace("drbd:r0,xvda,w", "phy:/dev/drbd/by-res/r0/0,xvda,w")
        )
    got = _run(*nodes, code="DR029", versions={"drbd": "8.3.13"})
    assert [(g[1], g[2], g[4], g[5].split(": ")[1]) for g in got] == [
        ("web", 5, "error", "no such device on xen1"),
        ("web", 5, "error", "no such device on xen2"),
    ]


def test_sections_added_in_code_are_set_apart_by_a_blank_line() -> None:
    """A resource added to a file, a global section made for it, and a document built
    in code render as drbd.conf files are written (drbd.conf(5)'s examples, drbd-utils'
    scripts/drbd.conf.example): one blank line between top-level sections, none at the
    top or the end of the file; the file's own lines stay as they were."""
    import xencfg
    from xencfg.formats.drbd import DrbdDocument

    src = "# cluster\nresource r0 {\n  protocol C;\n}\n"
    doc = xencfg.loads(src, "drbd")
    doc.add_resource("r1", protocol="C")
    doc.add_resource("r2")
    doc.global_["usage-count"] = "no"
    assert xencfg.dumps(doc) == (
        "global {\n  usage-count no;\n}\n\n"
        + src
        + "\nresource r1 {\n  net {\n    protocol C;\n  }\n}\n\nresource r2 {\n}\n"
    )
    # after a blank line the file ends with, no second one (that one stays last)
    spaced = xencfg.loads("resource r0 {\n}\n\n", "drbd")
    spaced.add_resource("r1")
    assert xencfg.dumps(spaced) == "resource r0 {\n}\n\nresource r1 {\n}\n\n"
    fresh = DrbdDocument()
    fresh.add_resource("a")
    fresh.add_resource("b")
    fresh.global_["usage-count"] = "no"
    text = xencfg.dumps(fresh)
    assert text == "global {\n    usage-count no;\n}\n\nresource a {\n}\n\nresource b {\n}\n"
    assert xencfg.dumps(xencfg.loads(text, "drbd")) == text


def test_address_family_fits_the_address() -> None:
    """drbdadm (peer-drbdadm, 8.4 and 9 parsers) reads ``ipv6 [fd00::11]:7790`` and
    refuses ``ipv6 10.0.0.11:7790`` ("Parse error: '[' expected, but got '10.0.0.11'")
    and ``[fd00::11]:7790`` without the family ("'ssocks | sdp | ipv4 | ipv6 | <ipv4
    address>' expected, but got '['"). So setting a family the address does not fit
    is refused, and setting the ip brings its family along (docs/formats/drbd.md)."""
    import xencfg

    line = "    device /dev/drbd0; disk /dev/sda7; address {}; meta-disk internal;\n"
    src = "resource r0 {\n  on alpha {\n" + line.format("10.0.0.11:7788") + "  }\n}\n"
    doc = xencfg.loads(src, "drbd")
    addr = doc.resources["r0"].hosts["alpha"].address
    assert addr is not None
    with pytest.raises(ValueError, match=r"family 'ipv6' does not fit '10\.0\.0\.11'"):
        addr.family = "ipv6"
    assert xencfg.dumps(doc) == src  # nothing written
    addr.port = 7790
    addr.ip = "fd00::11"
    want = "resource r0 {\n  on alpha {\n" + line.format("ipv6 [fd00::11]:7790") + "  }\n}\n"
    assert xencfg.dumps(doc) == want
    assert (addr.family, addr.ip, addr.port) == ("ipv6", "fd00::11", 7790)
    with pytest.raises(ValueError, match="family 'ipv4' does not fit 'fd00::11'"):
        addr.family = "ipv4"
    addr.ip = "10.0.0.12"  # back to IPv4: the family follows, still written
    assert "address ipv4 10.0.0.12:7790;" in xencfg.dumps(doc)
    addr.family = "ssocks"  # (no IP kind of its own: taken as it is)
    assert "address ssocks 10.0.0.12:7790;" in xencfg.dumps(doc)


# -- a foreign word whose statement never ends (issue 22: linear refusal) ----------------


@pytest.mark.parametrize(
    "text",
    [
        "then echo the drbd resource\nfi $x -n /dev/sda\n",  # a text of words, no ';'
        "# a note\n\n  a b c",
        'global { usage-count no; }\nresource r0 { on a { } }\nfoo "bar" baz\n',
        'a "unterminated\nb c\n',
    ],
)
def test_drbd_foreign_word_never_ended_is_refused_without_lark(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # drbdadm's top-level loop stops at the first word that is none of its keywords
    # ("Parse error: 'global | common | resource | skip | include' expected", parse_drbd_setup
    # in user/v9/drbdadm_parser.c; peer-drbdadm --mode 84 and 9). When nothing after that
    # word can end its statement (no ';', '{' or '}') Lark would read every word to the end
    # of the file only to fail there: the reader now refuses at the word at once, with the
    # very error the Lark route gives.
    import xencfg
    from xencfg.formats.drbd import reader

    with pytest.raises(xencfg.ParseError) as full:
        monkeypatch.setattr(reader, "_never_ends", lambda text, at: False)
        xencfg.loads(text, "drbd", path="drbd.conf")
    monkeypatch.undo()

    def no_lark(text: str, path: str | None = None) -> None:
        raise AssertionError("Lark ran")

    monkeypatch.setattr(reader, "parse_lark", no_lark)
    with pytest.raises(xencfg.ParseError) as early:
        xencfg.loads(text, "drbd", path="drbd.conf")
    assert "expected 'global', 'common', 'resource', 'skip' or 'include'" in early.value.message
    assert (early.value.line, early.value.column) == (full.value.line, full.value.column)
    assert str(early.value) == str(full.value) and early.value.partial is None
    assert early.value.severity == full.value.severity == "error"


def test_drbd_foreign_word_before_an_end_still_takes_the_grammar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The other side: a ';' or '{' after the word may end its statement (the generic
    # grammar then reads on, and _check_garbage or lint decides), and a bad text before
    # the word has its own, earlier error: both keep the Lark route.
    import xencfg
    from xencfg.formats.drbd import reader

    ran: list[str] = []
    lark = reader.parse_lark

    def counted(text: str, path: str | None = None) -> object:
        ran.append(text)
        return lark(text, path)

    monkeypatch.setattr(reader, "parse_lark", counted)
    for text, place in (
        ("foo bar;\nbaz\n", (1, 1)),
        ("resource r0 { on a { }\nfoo bar\n", None),
    ):
        with pytest.raises(xencfg.ParseError) as err:
            xencfg.loads(text, "drbd")
        if place is not None:
            assert (err.value.line, err.value.column) == place
        else:
            assert "expected 'global'" not in err.value.message
    assert len(ran) >= 2
