"""Lint truth of the Xen layer on trees the examples do not cover (audit-xen): each
case is a small tree under tests/fixtures/lint-trees/CASE/ with a ``bad`` variant xl,
xm or xend refuses (or where a documented hazard bites) and a ``good`` variant the
toolstack accepts, which must lint clean of the rule. Where the real ``xl`` (4.17,
``peer-xl``) is installed, the test runs it on both variants too."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import FIXTURES, peer_tool
from xencfg import lint
from xencfg.versions import Version

TREES = FIXTURES / "lint-trees"
XL = "/usr/lib/xen-4.17/bin/xl"


def _codes(
    case: str, variant: str, select: list[str], xen: str | None = None
) -> list[tuple[str, str, int, str]]:
    nodes = sorted((TREES / case / variant).iterdir())
    versions = {"xen": Version.parse(xen)} if xen else None
    result = lint.run([str(n) for n in nodes], select=select, versions=versions)
    return sorted((f.code, Path(f.path).name, f.line, f.severity) for f in result.findings)


def _peer_xl(path: Path) -> tuple[int, str]:
    peer = peer_tool("peer-xl", XL)
    run = subprocess.run([str(peer), str(path)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout + run.stderr


def test_xl_crashes_on_an_empty_bootloader_args_string() -> None:
    """xl_parse.c reads a string ``bootloader_args`` as deprecated and splits it with
    ``split_string_into_string_list(buf, " \\t\\n", ...)``, which counts one word
    where ``strtok_r`` finds none and then ``strdup()``s NULL: xl 4.17 dies with a
    segmentation fault (peer-xl: rc 139) on ``""`` and ``" "``, for the PV web and
    (4.17 reads the key for every type) the HVM db. A list, or a string with a word,
    is accepted (the string with a deprecation warning). Before Xen 4.17 only PV
    guests read the key; before 4.2 xl took the string whole."""
    case = "xl-bootloader-args"
    assert _codes(case, "bad", ["XN016"], "4.17") == [
        ("XN016", "db.cfg", 5, "error"),
        ("XN016", "web.cfg", 6, "error"),
    ]
    # Xen 4.4: xm may still read the file (a warning), and HVM guests skip the key
    assert _codes(case, "bad", ["XN016"], "4.4") == [("XN016", "web.cfg", 6, "warning")]
    assert _codes(case, "bad", ["XN016"], "4.1") == []
    assert _codes(case, "bad", ["XN016"]) == [("XN016", "web.cfg", 6, "warning")]
    for xen in ("4.17", "4.4", None):
        assert _codes(case, "good", ["XN016"], xen) == [], xen
    for name in ("web.cfg", "db.cfg"):
        rc, out = _peer_xl(TREES / case / "bad" / "xa" / "etc" / "xen" / name)
        assert rc == 1 and "rc=139" in out, out
        rc, out = _peer_xl(TREES / case / "good" / "xa" / "etc" / "xen" / name)
        assert rc == 0, out


def test_xend_reads_the_first_word_of_an_unquoted_value() -> None:
    """xend's sxp.py ends an unquoted word at a blank and at each of ``{}()<>[]!;``
    (tools/python/xen/xend/sxp.py ``Parser.is_separator``, ``state_atom``) and
    XendOptions.get_config_value reads ``sxp.child_value``, the first item. On three
    dom0s (``bad``): ``(network-script network-bridge netdev=eth1)`` runs
    network-bridge without netdev=eth1 (the bridge lands on the default NIC), and
    ``(xend-relocation-hosts-allow ^xen[1-3]$ ...)`` becomes the regex ``^xen``
    (any host named xen*). Quoted (``good``), xend reads the whole value."""
    case = "xend-value-cut"
    bad = _codes(case, "bad", ["XN017"])
    assert bad == [("XN017", "xend-config.sxp", line, "warning") for line in (6, 6, 6, 7, 7, 7)]
    assert _codes(case, "good", ["XN017"]) == []
    # what xend reads, as the document models it
    import xencfg

    for variant, script, allow in (
        ("bad", "network-bridge", ["^xen"]),
        ("good", "network-bridge netdev=eth1", ["^xen[1-3]$", "^xen[1-3]\\.example\\.net$"]),
    ):
        path = TREES / case / variant / "xen1" / "etc" / "xen" / "xend-config.sxp"
        doc = xencfg.load(path, "xend")
        assert doc.network_script == script
        assert doc.relocation_hosts_allow == allow


#: xl 4.17 refuses these (peer-xl messages in the comments), though each parses.
_XL_REFUSED = {
    # xl_parse.c parse_action_on_shutdown: strcmp over action_on_shutdown_names
    'on_crash = "Restart"\n': 'Unknown on_crash action "Restart" specified',
    'on_poweroff = "halt"\n': 'Unknown on_poweroff action "halt" specified',
    "on_reboot = 1\n": 'Unknown on_reboot action "1" specified',
    # libxl_uuid_from_string: 36 characters, 8-4-4-4-12 (xend's uuid.fromString
    # dropped the dashes and read 32 hex digits)
    'uuid = "c7a5fdb2cdaf9455926ad65c16db1809"\n': "Failed to parse UUID",
    'uuid = "c7a5fdb2-cdaf-9455-926a-d65c16db18"\n': "Failed to parse UUID",
}
_XL_ACCEPTED = (
    'on_crash = "coredump-restart"\n',
    'on_reboot = "soft-reset"\n',
    'on_crash = [ "restart" ]\n',  # a list: xl warns and takes its value
    'uuid = "C7A5FDB2-CDAF-9455-926A-D65C16DB1809"\n',
)


def test_xl_action_names_and_uuid(tmp_path: Path) -> None:
    """Mutants of the daemon-verdict run (xl 4.17): an ``on_*`` action xl does not
    spell, and a uuid not in 8-4-4-4-12 form, stop ``xl create``; lint said nothing."""
    head = 'name = "web"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'
    for i, (line, message) in enumerate(_XL_REFUSED.items()):
        path = tmp_path / f"r{i}.cfg"
        path.write_text(head + line)
        found = lint.run([str(path)], select=["XC005"]).findings
        assert [(f.line, f.severity) for f in found] == [(4, "error")], line
        assert message in found[0].message
        rc, out = _peer_xl(path)
        assert rc == 1 and message in out, out
    for i, line in enumerate(_XL_ACCEPTED):
        path = tmp_path / f"a{i}.cfg"
        path.write_text(head + line)
        assert lint.run([str(path)], select=["XC005"]).findings == [], line
        rc, out = _peer_xl(path)
        assert rc == 0, out


def test_live_migration_between_xend_and_xl_only_nodes() -> None:
    """Three dom0s half moved to xl: xen3 reinstalled with Xen 4.17 (xl.conf, xl
    configs, no xend-config.sxp), xen1 and xen2 still on xend, and the CIB keeps
    ``allow-migrate`` on the Xen guests. ``xm migrate`` connects to xend's relocation
    port (8002) on the target (xend-config.sxp(5), XendCheckpoint/relocate.py), which
    nothing serves on xen3; ``xl migrate`` runs ``xl migrate-receive`` over ssh
    (xl(1)), which xen1/xen2 cannot serve while xend holds their domains. The ``good``
    tree, every node on xend, is clean of XN007; the migrated xl configs of xen3
    parse with xl (peer-xl)."""
    case = "xen-mixed-toolstacks"
    assert _codes(case, "bad", ["XN007"]) == [("XN007", "xl.conf", 1, "error")]
    assert _codes(case, "good", ["XN007"]) == []
    for name in ("web", "db", "mail"):
        rc, out = _peer_xl(TREES / case / "bad" / "xen3" / "etc" / "xen" / "vm" / name)
        assert rc == 0, out


def test_a_format_keyword_takes_the_positional_format_slot(tmp_path: Path) -> None:
    """libxlu's disk scanner fills each positional parameter into the first of
    target, format, vdev, access still unset (tools/libs/util/libxlu_disk_l.l), so
    after ``format=raw`` the positionals are target, vdev, access. peer-xl (xl 4.17)
    reads ``format=raw,/dev/vg/a,hda,r`` as pdev_path /dev/vg/a, vdev hda, read-only;
    XN014 said "unknown value for format: near `hda'". Given ``access=`` instead, the
    format slot stays: ``access=r,/dev/vg/a,xvda`` is refused ("unknown value for
    format: near `xvda'"), and so is a fourth positional after the format keyword."""
    from xencfg.formats.xen.xl_disk import disk_spec_error

    accepted = ("format=raw,/dev/vg/a,hda,r", "format=raw,/img/a.img,xvda,r,devtype=cdrom")
    refused = {
        "access=r,/dev/vg/a,xvda": "unknown value for format: near `xvda'",
        "format=raw,/dev/vg/a,raw,xvda": "unknown value for access: near `xvda'",
    }
    for spec in accepted:
        assert disk_spec_error(spec) is None, spec
    for spec, why in refused.items():
        assert disk_spec_error(spec) == why, spec
    for i, spec in enumerate([*accepted, *refused]):
        path = tmp_path / f"d{i}.cfg"
        path.write_text(f'name = "g"\nkernel = "/k"\ndisk = [ "{spec}" ]\n')
        rc, out = _peer_xl(path)
        assert (rc == 0) == (spec in accepted), out
        if spec in refused:
            assert refused[spec] in out


def test_hosts_allow_matches_the_peers_fqdn_not_its_short_name() -> None:
    """xend admits a relocation peer when a hosts-allow regex matches the source
    address or ``socket.getfqdn`` of it (tools/python/xen/web/connection.py
    ``hostAllowed``); getfqdn returns the first name with a dot of the address's
    hosts line. With /etc/hosts lines such as ``10.0.0.2 xen2.example.net xen2``
    (three dom0s), ``^xen[123]$`` admits nobody: xend logs "Rejected connection
    from 10.0.0.2 (xen2.example.net)" and every live migration fails (``bad``,
    which XN007 used to pass because the short name matched). ``good`` matches the
    FQDNs."""
    case = "xend-hosts-allow-fqdn"
    bad = _codes(case, "bad", ["XN007"])
    assert len(bad) == 6 and {c[3] for c in bad} == {"error"}
    assert _codes(case, "good", ["XN007"]) == []


def test_xm_nics_carried_to_xl_gives_the_interfaces(tmp_path: Path) -> None:
    """``nics = 2`` with one vif: xm made two interfaces (create.py configure_vifs
    pads vif with '' entries); the converted config gives xl 4.17 two nics too
    (peer-xl's JSON lists both, the first on xenbr1)."""
    import json

    import xencfg
    from xencfg.migrations.xen import xm_to_xl

    text = "name = 'n'\nkernel = '/k'\nnics = 2\nvif = ['bridge=xenbr1']\n"
    path = tmp_path / "n.cfg"
    path.write_text(xm_to_xl(xencfg.loads(text, "xm")).text)
    rc, out = _peer_xl(path)
    assert rc == 0, out
    nics = json.loads(out[out.index("{") :])["nics"]
    assert len(nics) == 2 and nics[0]["bridge"] == "xenbr1"
