"""DRBD rules (DR0xx): a failing and a passing tree each, asserting code, file,
line and related lines; the seed notes' DRBD items; 2,000 resources in time."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from xencfg import lint


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    return root


def res(
    name: str,
    port: int = 7788,
    minor: int = 0,
    *,
    hosts: tuple[str, str] = ("alpha", "beta"),
    disk: str | None = None,
    ips: tuple[str, str] = ("10.0.0.1", "10.0.0.2"),
    ports: tuple[int, int] | None = None,
    head: str = "protocol C;",
) -> str:
    """A two-host resource: line 1 ``resource``, 3 and 9 the ``on`` sections,
    4/10 device, 5/11 disk, 6/12 address."""
    disk = disk or f"/dev/sdb{minor + 1}"
    ports = ports or (port, port)
    out = [f"resource {name} {{", f"  {head}"]
    for host, ip, p in zip(hosts, ips, ports, strict=True):
        out += [
            f"  on {host} {{",
            f"    device /dev/drbd{minor};",
            f"    disk {disk};",
            f"    address {ip}:{p};",
            "    meta-disk internal;",
            "  }",
        ]
    return "\n".join([*out, "}", ""])


def run(*roots: Path, code: str) -> list[tuple[str, int, list[int], str]]:
    result = lint.run([str(r) for r in roots], select=[code])
    return [
        (Path(f.path).name, f.line, [r.line for r in f.related], f.message) for f in result.findings
    ]


INCLUDE = 'include "drbd.d/*.res";\n'


def test_dr001_address_reused_across_included_files(tmp_path: Path) -> None:
    bad = tree(
        tmp_path / "alpha",
        {
            "etc/drbd.conf": INCLUDE,
            "etc/drbd.d/r0.res": res("r0", 7788, 0),
            "etc/drbd.d/r1.res": res("r1", 7788, 1),
        },
    )
    got = run(bad, code="DR001")
    assert [g[:3] for g in got] == [("r1.res", 6, [6]), ("r1.res", 12, [12])]
    assert got[0][3] == "address 10.0.0.1:7788 of resource 'r1' is already used by 'r0'"
    good = tree(
        tmp_path / "ok",
        {
            "etc/drbd.conf": INCLUDE,
            "etc/drbd.d/r0.res": res("r0", 7788, 0),
            "etc/drbd.d/r1.res": res("r1", 7789, 1),
        },
    )
    assert run(good, code="DR001") == []


def test_dr002_minor_reused_across_files(tmp_path: Path) -> None:
    files = {"etc/drbd.conf": INCLUDE + res("r0", 7788, 0), "etc/drbd.d/r1.res": res("r1", 7789, 0)}
    got = run(tree(tmp_path / "alpha", files), code="DR002")
    assert [g[:3] for g in got] == [("r1.res", 4, [5]), ("r1.res", 10, [11])]
    assert got[0][3] == "minor 0 of resource 'r1' on host 'alpha' is already used by 'r0'"
    files["etc/drbd.d/r1.res"] = res("r1", 7789, 1)
    assert run(tree(tmp_path / "ok", files), code="DR002") == []


def test_dr003_disk_reused(tmp_path: Path) -> None:
    text = res("r0", 7788, 0, disk="/dev/sdb1") + res("r1", 7789, 1, disk="/dev/sdb1")
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="DR003")
    assert [g[:3] for g in got] == [("drbd.conf", 20, [5]), ("drbd.conf", 26, [11])]
    assert got[0][3] == "disk '/dev/sdb1' of host 'alpha' is used by resource 'r1' and by 'r0'"
    meta = res("r0").replace("internal", "/dev/sdc[0]") + res("r1", 7789, 1).replace(
        "internal", "/dev/sdc[0]"
    )
    got = run(tree(tmp_path / "meta", {"etc/drbd.conf": meta}), code="DR003")
    assert [g[3].split(" of ")[0] for g in got] == ["meta-disk '/dev/sdc[0]'"] * 2
    ok = res("r0", 7788, 0) + res("r1", 7789, 1)
    ok += res("r2", 7790, 2).replace("internal", "/dev/sdc[0]")
    ok += res("r3", 7791, 3).replace("internal", "/dev/sdc[1]")
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": ok}), code="DR003") == []


def test_dr004_two_primaries_need_protocol_c_after_inheritance(tmp_path: Path) -> None:
    common = "common {\n  protocol B;\n  net { allow-two-primaries; }\n}\n"
    text = common + res("r0", head="disk { on-io-error detach; }")
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="DR004")
    assert got == [("drbd.conf", 5, [], "resource 'r0' allows two primaries with protocol B")]
    ok = common + res("r0", head="protocol C;")
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": ok}), code="DR004") == []


def test_dr005_on_host_not_in_ha_cf(tmp_path: Path) -> None:
    hacf = "bcast eth1\nnode alpha.example.net BETA\n"
    bad = tree(
        tmp_path / "alpha",
        {"etc/ha.d/ha.cf": hacf, "etc/drbd.conf": res("r0", hosts=("alpha", "gamma"))},
    )
    got = run(bad, code="DR005")
    assert got == [
        (
            "drbd.conf",
            9,
            [2],
            "resource 'r0': host 'gamma' is not a node in ha.cf (alpha.example.net, BETA)",
        )
    ]
    good = tree(tmp_path / "ok", {"etc/ha.d/ha.cf": hacf, "etc/drbd.conf": res("r0")})
    assert run(good, code="DR005") == []


def test_dr006_node_without_on_section(tmp_path: Path) -> None:
    a = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0")})
    b = tree(tmp_path / "beta", {"etc/drbd.conf": res("r0", hosts=("alpha", "gamma"))})
    got = run(a, b, code="DR006")
    assert got == [
        (
            "drbd.conf",
            1,
            [3, 9],
            "resource 'r0' has no 'on beta' section (it names alpha, gamma)",
        )
    ]
    b2 = tree(tmp_path / "b2" / "beta", {"etc/drbd.conf": res("r0")})
    assert run(a, b2, code="DR006") == []


def test_dr007_address_of_another_host(tmp_path: Path) -> None:
    hosts = "10.0.0.1 alpha-drbd\n10.0.0.2 beta.example.net beta\n"
    wrong = res("r0", ips=("10.0.0.2", "10.0.0.1"))
    bad = tree(tmp_path / "alpha", {"etc/hosts": hosts, "etc/drbd.conf": wrong})
    got = run(bad, code="DR007")
    assert [g[:3] for g in got] == [("drbd.conf", 6, [2]), ("drbd.conf", 12, [1])]
    assert got[0][3] == (
        "resource 'r0': address 10.0.0.2 of host 'alpha' is beta.example.net, beta in /etc/hosts"
    )
    good = tree(tmp_path / "ok", {"etc/hosts": hosts, "etc/drbd.conf": res("r0")})
    assert run(good, code="DR007") == []


def test_dr008_nbsp_as_white_space(tmp_path: Path) -> None:
    text = res("r0").replace("  protocol C;", "\u00a0 protocol C;").encode()
    got = run(tree(tmp_path / "alpha", {"etc/drbd.conf": text}), code="DR008")
    assert [g[:2] for g in got] == [("drbd.conf", 2)]
    assert "U+00A0" in got[0][3]
    ok = ("# a\u00a0comment\n" + res("r0")).encode()
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": ok}), code="DR008") == []


def test_dr009_resource_differs_between_nodes(tmp_path: Path) -> None:
    a = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0")})
    b = tree(tmp_path / "beta", {"etc/drbd.conf": "\n" + res("r0", disk="/dev/sdc1")})
    got = run(a, b, code="DR009")
    assert got == [
        (
            "drbd.conf",
            2,
            [1],
            "resource 'r0' differs on beta from alpha: volume 0 disk /dev/sdc1 in beta's copy, "
            "/dev/sdb1 in alpha's (for hosts alpha, beta)",
        )
    ]
    b2 = tree(tmp_path / "b2" / "beta", {"etc/drbd.conf": res("r0")})
    assert run(a, b2, code="DR009") == []
    # beta is named by r1 on alpha but has no r1 of its own
    a3 = tree(tmp_path / "a3" / "alpha", {"etc/drbd.conf": res("r0") + res("r1", 7789, 1)})
    assert run(a3, b2, code="DR009") == [
        (
            "drbd.conf",
            1,
            [16],
            "resource 'r1' names beta, whose drbd configuration does not define it "
            "(defined on alpha)",
        )
    ]


def test_dr010_peer_address_mismatch(tmp_path: Path) -> None:
    a = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0")})
    b = tree(tmp_path / "beta", {"etc/drbd.conf": res("r0", ports=(7788, 7789))})
    got = run(a, b, code="DR010")
    assert [g[:3] for g in got] == [("drbd.conf", 12, [12])]
    assert got[0][3] == (
        "resource 'r0': alpha has 10.0.0.2:7788 for 'beta', which uses 10.0.0.2:7789 itself"
    )
    b2 = tree(tmp_path / "b2" / "beta", {"etc/drbd.conf": res("r0")})
    assert run(a, b2, code="DR010") == []


def test_two_thousand_resources_give_no_false_findings(tmp_path: Path) -> None:
    """2,000 distinct resources: nothing to report (bench/ measures how long it takes)."""
    files: dict[str, str | bytes] = {"etc/drbd.conf": INCLUDE}
    for i in range(20):
        files[f"etc/drbd.d/g{i}.res"] = "".join(
            res(f"r{i}_{j}", 7000 + i * 100 + j, i * 100 + j) for j in range(100)
        )
    a = tree(tmp_path / "alpha", files)
    result = lint.run([str(a)], select=["DR"])
    assert result.findings == []
    b = tree(tmp_path / "beta", files)
    assert lint.run([str(a), str(b)], select=["DR"]).findings == []


def test_seed_notes_drbd_s001_on_names_against_ha_cf() -> None:
    """s001: ``on xen1`` in drbd.conf, ha.cf's (misspelt) ``nodes xen-1 xen-2``."""
    seed = shared_path("seed-examples", "s001-drbd-heartbeat")
    result = lint.run([str(seed / "xen1"), str(seed / "xen2")], select=["DR005", "XC009"])
    dr005 = [f for f in result.findings if f.code == "DR005"]
    assert {f.message.split(": ", 1)[1] for f in dr005} == {
        "host 'xen1' is not a node in ha.cf (xen-1, xen-2) "
        "(written 'nodes', which heartbeat ignores)",
        "host 'xen2' is not a node in ha.cf (xen-1, xen-2) "
        "(written 'nodes', which heartbeat ignores)",
    }
    assert all(f.related and f.related[0].line == 6 for f in dr005)
    # the ha.cf side (the directive itself) is XC009's: heartbeat refuses "Illegal directive"
    assert any(f.code == "XC009" and f.path.endswith("ha.cf") for f in result.findings)
    # Out of scope: usage-count and comment wording are not configuration errors.


def test_seed_notes_drbd_s001_dual_primary_without_fencing() -> None:
    """s001: allow-two-primaries, no fencing (stonith_enabled=false is the CIB's rule)."""
    seed = shared_path("seed-examples", "s001-drbd-heartbeat")
    result = lint.run([str(seed / "xen1")], select=["DR011"])
    assert [(f.line, f.message.split("'")[1]) for f in result.findings] == [
        (30, "host1_root"),
        (49, "host1_swap"),
        (63, "host2_root"),
        (77, "host2_swap"),
    ]


def test_seed_notes_drbd_s004_nbsp_lines() -> None:
    seed = shared_path("seed-examples", "s004-drbd-lvm")
    result = lint.run([str(seed / "mk1"), str(seed / "mk2")], select=["DR"])
    mk1 = [f.line for f in result.findings if f.code == "DR008" and "/mk1/" in f.path]
    assert mk1 == [4, 6, 8, 12, 17, 21, 25]
    # Out of scope: ``rate 500M`` needs the replication link's speed, which no
    # file states; the missing allow-two-primaries contradicts the prose (live
    # migration), not a file; resource-level disk/device inheritance is valid.
    assert {f.code for f in result.findings} == {"DR008"}


DUAL = "protocol C;\n  net { allow-two-primaries; }"


def test_dr011_dual_primary_without_fencing(tmp_path: Path) -> None:
    bad = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0", head=DUAL)})
    assert run(bad, code="DR011") == [
        (
            "drbd.conf",
            1,
            [],
            "resource 'r0' allows two primaries with fencing dont-care (default)",
        )
    ]
    common = "common { disk { fencing resource-and-stonith; } }\n"
    ok = tree(tmp_path / "ok", {"etc/drbd.conf": common + res("r0", head=DUAL)})
    assert run(ok, code="DR011") == []


def test_dr011_quorum_freezing_or_failing_writes_guards(tmp_path: Path) -> None:
    """DRBD 9 ``quorum majority`` guards dual-primary whatever ``on-no-quorum`` says:
    ``io-error`` fails a minority node's writes, ``suspend-io`` (the default) freezes
    them (drbd-utils drbd.conf(5): "By default DRBD freezes IO on a device, that lost
    quorum"; drbd9-tests: "any process writing on a node without quorum will block
    until the node regains quorum"), so neither side completes a diverging write.
    Lint said DR011 for suspend-io and for a bare ``quorum majority`` (unseen10's
    drbd-reactor site, whose frozen resource is drbd-reactor promoter.md's
    ``on-quorum-loss = "freeze"`` set-up). ``quorum off`` is still DR011's."""
    for i, policy in enumerate(("", "on-no-quorum suspend-io;", "on-no-quorum io-error;")):
        head = DUAL + f"\n  options {{ quorum majority; {policy} }}"
        ok = tree(tmp_path / f"ok{i}", {"etc/drbd.conf": res("r0", head=head)})
        assert run(ok, code="DR011") == [], policy
    off = DUAL + "\n  options { quorum off; on-no-quorum suspend-io; }"
    bad = tree(tmp_path / "off", {"etc/drbd.conf": res("r0", head=off)})
    assert [m for *_, m in run(bad, code="DR011")] == [
        "resource 'r0' allows two primaries with fencing dont-care (default)"
    ]


def test_dr012_dual_primary_split_brain_policy_discards(tmp_path: Path) -> None:
    head = "protocol C;\n  net { allow-two-primaries; after-sb-2pri violently-as0p; }"
    bad = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0", head=head)})
    assert run(bad, code="DR012") == [
        ("drbd.conf", 1, [], "resource 'r0' allows two primaries with after-sb-2pri violently-as0p")
    ]
    ok_head = head.replace("violently-as0p", "disconnect")
    ok = tree(tmp_path / "ok", {"etc/drbd.conf": res("r0", head=ok_head)})
    assert run(ok, code="DR012") == []


def test_dr013_become_primary_on_both(tmp_path: Path) -> None:
    head = "protocol C;\n  startup { become-primary-on both; }"
    bad = tree(tmp_path / "alpha", {"etc/drbd.conf": res("r0", head=head)})
    assert run(bad, code="DR013") == [
        (
            "drbd.conf",
            1,
            [],
            "resource 'r0' becomes primary on both nodes with no allow-two-primaries",
        )
    ]
    ok = tree(tmp_path / "ok", {"etc/drbd.conf": res("r0", head=head + "\n" + DUAL)})
    assert run(ok, code="DR013") == []


def test_example_cluster_has_no_drbd_or_ocfs2_findings() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "two-node"
    result = lint.run([str(root / "alpha"), str(root / "beta")], select=["DR", "OC"])
    assert result.findings == []


def test_deprecated_keywords_name_the_release(tmp_path: Path) -> None:
    """An 8.x cluster must not be told to write 8.4's 'resync-rate' as if every release read
    it: with no release declared, the advice says from which release on (and the file's
    own 'rate', which drbdadm 9 refuses, shows it runs before 9.0)."""
    conf = (
        "resource r0 {\n  syncer {\n    rate 40M;\n  }\n  handlers {\n    outdate-peer x;\n  }\n}\n"
    )
    root = tree(tmp_path / "a", {"etc/drbd.conf": conf})
    found = [(line, msg) for _, line, _, msg in run(root, code="XC004")]
    assert [line for line, _ in found] == [2, 3, 6]
    syncer, rate, outdate = (msg for _, msg in found)
    assert "from DRBD 8.4 on, move its options to 'disk', 'net' and 'options'" in syncer
    assert "from DRBD 8.4 on write 'resync-rate' in 'disk' (older releases refuse that" in rate
    assert "advice for DRBD before 9.0, inferred from 'rate' at " in rate
    assert "write 'fence-peer'" in outdate


# -- DR015: a host section's statement twice ------------------------------------------------


def test_dr015_a_host_sections_disk_or_address_twice(tmp_path: Path) -> None:
    """drbdadm's parse_host_section (user/v9/drbdadm_parser.c, as 8.3 and 8.4):
    ``check_upr("disk statement", "%s:%s:disk", ...)``; drbdadm 8.4 and 9 refuse
    ``conflicting use of disk statement 'r0:beta:disk'`` (peer-drbdadm, both modes)."""
    text = res("r0").replace(
        "    address 10.0.0.2:7788;\n", "    address 10.0.0.2:7788;\n    disk /dev/sdc1;\n"
    )
    assert run(tree(tmp_path / "a", {"etc/drbd.conf": text}), code="DR015") == [
        (
            "drbd.conf",
            13,
            [11],
            "resource r0: host section 'beta' gives 'disk' again; "
            "drbdadm refuses the file (conflicting use of disk statement)",
        )
    ]
    meta = res("r0").replace(
        "    meta-disk internal;\n",
        "    meta-disk internal;\n    flexible-meta-disk internal;\n",
        1,
    )
    assert [f[1:3] for f in run(tree(tmp_path / "m", {"etc/drbd.conf": meta}), code="DR015")] == [
        (8, [7])
    ]


def test_dr015_leaves_what_drbdadm_takes(tmp_path: Path) -> None:
    """A resource-level statement twice, and a ``volume`` section's: drbdadm 8.4 and 9
    accept both (peer-drbdadm); each host section's own statements once."""
    resource_level = (
        "resource r0 {\n  device /dev/drbd0;\n  disk /dev/sda1;\n  disk /dev/sda2;\n"
        "  meta-disk internal;\n  on alpha { address 10.0.0.1:7788; }\n"
        "  on beta { address 10.0.0.2:7788; }\n}\n"
    )
    volume = (
        "resource r0 {\n  on alpha {\n    volume 0 { device /dev/drbd0; disk /dev/sda1; "
        "disk /dev/sda3; meta-disk internal; }\n    address 10.0.0.1:7788;\n  }\n"
        "  on beta {\n    volume 0 { device /dev/drbd0; disk /dev/sda1; meta-disk internal; }\n"
        "    address 10.0.0.2:7788;\n  }\n}\n"
    )
    for i, text in enumerate((res("r0"), resource_level, volume)):
        assert run(tree(tmp_path / str(i), {"etc/drbd.conf": text}), code="DR015") == []


# -- DR016: a word drbdadm's scanner splits -------------------------------------------------


def test_dr016_an_unquoted_word_with_a_colon_or_other_character(tmp_path: Path) -> None:
    """drbdadm_scanner.fl (8.3, 8.4, 9): ``STRING [a-zA-Z0-9/._-]{1,128}`` and
    ``OPCHAR [{};\\[\\]:]``; drbdadm 8.4 and 9 refuse a by-path disk with
    ``';' expected, but got ':00:1f'`` (peer-drbdadm)."""
    path = "/dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1"
    text = res("r0", disk=path)
    found = run(tree(tmp_path / "a", {"etc/drbd.conf": text}), code="DR016")
    assert [f[1] for f in found] == [5, 11]
    assert found[0][3].startswith(f"'disk': '{path}' holds ':', which drbdadm's scanner")
    secret = res("r0", head="net { shared-secret S3cr3t!; }")
    got = run(tree(tmp_path / "s", {"etc/drbd.conf": secret}), code="DR016")
    assert len(got) == 1 and "S3cr3t" not in got[0][3] and "the value holds '!'" in got[0][3]


def test_dr016_lengths(tmp_path: Path) -> None:
    """``STRING {1,128}`` (``{1,80}`` in user/v83/drbdadm_scanner.fl) and ``DQSTRING
    ... {0,255}``: longer ones are TK_ERR_STRING_TOO_LONG / TK_ERR_DQSTRING_TOO_LONG."""
    long_word = "/dev/" + "a" * 130
    got = run(tree(tmp_path / "w", {"etc/drbd.conf": res("r0", disk=long_word)}), code="DR016")
    assert [f[1] for f in got] == [5, 11] and "135 characters long" in got[0][3]
    quoted = res("r0", head='handlers { fence-peer "' + "x" * 256 + '"; }')
    got = run(tree(tmp_path / "q", {"etc/drbd.conf": quoted}), code="DR016")
    assert [f[1] for f in got] == [2] and "longer than 255" in got[0][3]
    fits = res("r0", disk="/dev/" + "a" * 123, head='handlers { fence-peer "' + "x" * 255 + '"; }')
    assert run(tree(tmp_path / "ok", {"etc/drbd.conf": fits}), code="DR016") == []


def test_dr016_leaves_addresses_indexes_and_quoted_values(tmp_path: Path) -> None:
    """Colons and brackets are drbdadm's own syntax in addresses and meta-disk indexes
    (drbdadm 8.4 and 9 accept all of these: peer-drbdadm)."""
    text = (
        res("r0", disk='"/dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1"')
        .replace("meta-disk internal;", "meta-disk /dev/sdc1 [0];", 1)
        .replace("address 10.0.0.2:7788;", "address ipv6 [fd00::2]:7788;")
    )
    assert run(tree(tmp_path / "a", {"etc/drbd.conf": text}), code="DR016") == []


def test_xc005_a_connection_hosts_address(tmp_path: Path) -> None:
    """DRBD 9's ``host NAME address IP:PORT`` in a connection: drbdadm 9 refuses
    ``10.36.50.x:7791`` there (``'ssocks | sdp | ipv4 | ipv6 | <ipv4 address>' expected``,
    peer-drbdadm --mode 9), as in an ``on`` section; a good one passes."""
    text = (
        "resource r0 {\n  on alpha { node-id 0; volume 0 { device minor 1; disk /dev/sdb1; "
        "meta-disk internal; } }\n  on beta { node-id 1; volume 0 { device minor 1; "
        "disk /dev/sdb1; meta-disk internal; } }\n  connection {\n"
        "    host alpha address 10.0.0.1:7791;\n    host beta address {ip}:7791;\n  }\n}\n"
    )
    bad = run(
        tree(tmp_path / "a", {"etc/drbd.conf": text.replace("{ip}", "10.0.0.x")}), code="XC005"
    )
    assert [(f[1], f[3][:30]) for f in bad] == [(6, "'10.0.0.x' is not an IP addres")]
    good = text.replace("{ip}", "10.0.0.2")
    assert run(tree(tmp_path / "b", {"etc/drbd.conf": good}), code="XC005") == []
