"""Other people's spellings of multipath, iSCSI, LVM, xend, xl and Pacemaker 1.0 CIB files
(tests/fixtures/spelling29, our own files), judged by the daemons' own parsers.

Round 29 wrote 75 small files in spellings the earlier rounds (spellvariants.py,
test_spelling*.py, test_cib_spellings_round27.py) did not cover: multipath ``device{``
under a ``devices`` whose brace is below it, two ``}`` on a value line, a stray ``}``
at the end, ``""`` inside a quoted alias, regexes with ``\\.``, ``blacklist_exceptions``
with ``property``, ``overrides`` with a ``protocol`` subsection, callouts and keywords
later releases dropped, values in capitals, ``blacklist``/``devices`` twice, a device
without product, ``alias`` twice; iscsid.conf ``#`` after a value, CHAP secrets holding
``=`` and ``#``, tabs around ``=``, a capitalised key, an empty secret;
initiatorname.iscsi with blanks around ``=``, a lower-case key, ``eui.`` names, an upper
case IQN, a comment after the name; ietd.conf ``target`` in lower case, blanks around
a Lun's ``=``, ``Type=`` first, ``OutgoingUser`` without password, ``Type=BlockIO``, a
comment after a Lun; initiators.allow ``ALL ALL``, regex targets, blanks and IPv6 in
the list, a comment after an address; lvm.conf filters over several lines, other
delimiters, ``#`` inside strings, trailing commas, no commas, a string for an array, a
nested ``tags`` section, a section twice, an unclosed array, filter patterns with
``(...)`` separators, a bad action and no closing separator; xend-config.sxp nested
lists, single-quoted regexes, a value on the next line, two lists on a line, ``""``; xl
vif and disk specs with blanks (before a comma, after ``phy:``, after ``target=``);
Pacemaker 1.0 CIBs with attributes in another order, an nvpair without id,
``target_role``, ``target-role`` in instance_attributes, `` Stopped``, booleans spelt
yes/on/1/off/maybe.

Each was linted alone, read and written back byte for byte and judged by its daemon on
2026-12-07: peer-multipath (``multipath -t`` 0.9.4), peer-iscsiadm and peer-augeas
Iscsid.lns, ``lvm pvs`` and ``lvmconfig`` (LVM 2.03.16, ``LVM_SYSTEM_DIR``), peer-augeas
Xendconfsxp.lns (parse only: nothing else reads xend-config.sxp today), peer-xl (xl 4.17
``-N create -n``), peer-crm-verify and ``crm_simulate -S`` (Pacemaker 2.1.5). IET and
initiatorname.iscsi have no peer here: their verdicts come from the sources cited in
the tests below (IET's usr/plain.c, open-iscsi 2.1.8 usr/iscsi_util.c and usr/idbm.c).
Lint agrees on every file but ``DRY_RUN``; the nine gaps it found are fixed and tested
here.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

import test_daemon_verdicts as tdv
import xencfg
from conftest import FIXTURES, augeas_lens, augeas_tree, unavailable
from lintkit import tree
from roundtrip import byte_exact_or_refused
from xencfg import lint

HERE = FIXTURES / "spelling29"
FILES = sorted(p for p in HERE.glob("*/*") if p.is_file())
#: Lint's errors on each file read alone (every other file: none); xl files are judged
#: for Xen 4.17, the release peer-xl runs.
ERRORS = {
    "cib/pcmk10-nvpair-without-id.xml": ["CB023"],
    "cib/pcmk10-target-role-blank.xml": ["CB028"],
    "iet-allow/hash-after-address.allow": ["XC005"],
    "ietd/hash-after-lun.conf": ["IS020"],
    "ietd/lun-spaces-around-equals.conf": ["XC005"],
    "ietd/outgoing-user-no-password.conf": ["XC005"],
    "ietd/type-mixed-case.conf": ["XC005"],
    "initiatorname/hash-after-name.iscsi": ["XC005"],
    "initiatorname/key-lower-case.iscsi": ["XC005"],
    "iscsid/hash-after-value.conf": ["XC005"],
    "iscsid/mutual-chap-empty-secret.conf": ["XC005"],
    "lvm/array-unclosed.conf": ["XC001"],
    "lvm/filter-bad-action.conf": ["XC005"],
    "lvm/global-filter-no-end-separator.conf": ["XC005"],
    "multipath/device-vendor-only.conf": ["MP010"],
    "multipath/value-upper-case.conf": ["XC005"],
    "xend/nested-network-script.sxp": ["XC005"],
    "xend/unclosed-paren.sxp": ["XC001"],
    "xl/disk-blank-before-comma.cfg": ["XN014"],
    "xl/disk-blanks-around-commas.cfg": ["XN014"],
    "xl/disk-target-trailing-blank.cfg": ["XN014"],
    "xl/vif-blanks-around-commas.cfg": ["XC005"],
}
#: Files the peer accepts where lint's error stands for a later failure the peer does not
#: reach: why.
DRY_RUN = {
    "xl/disk-blank-before-comma.cfg": (
        "xl -N builds the disk with pdev_path '/dev/drbd0 ' and stops there; the block"
        " script then finds no such device"
    ),
    "xl/disk-target-trailing-blank.cfg": "pdev_path '/dev/drbd0 ' (as above)",
    "xl/vif-blanks-around-commas.cfg": (
        "xl -N builds the NIC with bridge 'xenbr0 ' (its JSON) and stops there; the"
        " vif-bridge hotplug script then finds no such bridge and the guest does not start"
    ),
}


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _errors(path: Path) -> list[str]:
    found = tdv.lint_file(path, path.parent.name)
    return sorted({f.code for f in found if f.severity == "error"})


def _of(fmt: str) -> list[Path]:
    return [p for p in FILES if p.parent.name == fmt]


def test_the_round_has_its_files() -> None:
    assert len(FILES) >= 40
    assert {*ERRORS, *DRY_RUN} <= {_key(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_each_file_round_trips_or_is_refused(path: Path) -> None:
    """Byte for byte, or a ParseError (with XC001) where the daemon refuses it too."""
    if not byte_exact_or_refused(path, path.parent.name):
        assert ERRORS.get(_key(path)) == ["XC001"]


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_lint_errors_read_alone(path: Path) -> None:
    assert _errors(path) == ERRORS.get(_key(path), [])


def test_the_iscsi_files_in_a_storage_node(tmp_path: Path) -> None:
    """In a node tree (ietd.conf, initiators.allow, initiatorname.iscsi together) the
    errors are the loose files' ones, on their lines."""
    files = {
        "etc/hostname": "san1\n",
        "etc/ietd.conf": (HERE / "ietd/lun-type-first.conf").read_text(),
        "etc/initiators.allow": (HERE / "iet-allow/hash-after-address.allow").read_text(),
        "etc/iscsi/initiatorname.iscsi": (HERE / "initiatorname/eui-name.iscsi").read_text(),
    }
    root = tree(tmp_path, "san1", files)
    found = lint.run([str(root)]).findings
    errors = [(Path(f.path).name, f.code, f.line) for f in found if f.severity == "error"]
    assert errors == [("initiators.allow", "XC005", 1)]


# -- the fixes ------------------------------------------------------------------------

PROTOCOL = 'overrides {\n\tprotocol {\n\t\ttype "scsi:fcp"\n\t\tfast_io_fail_tmo 5\n{extra}\t}\n}\n'


@pytest.mark.parametrize(
    ("target", "extra", "codes"),
    [
        (None, "", []),
        ("0.9.4", "", []),
        ("0.8.4", "", ["XC003:2", "XC003:3"]),
        (None, "\t\tcolour blue\n", ["XC003:5"]),
    ],
)
def test_overrides_protocol_is_a_section_from_0_9_0(
    tmp_path: Path, target: str | None, extra: str, codes: list[str]
) -> None:
    """multipath-tools 0.9.0 dict.c: ``install_keyword_multi("protocol",
    &protocol_handler)`` then ``install_sublevel()`` with type, fast_io_fail_tmo,
    dev_loss_tmo and eh_deadline under ``overrides`` (commit c906be53, "libmultipath:
    add a protocol subsection to multipath.conf", 2022-04-13; tag 0.8.9 has none).
    peer-multipath 0.9.4 2026-12-07 takes it without a word and prints it back under
    ``overrides``; lint said "keyword 'protocol' is not read here, only in: blacklist"."""
    from xencfg.formats.schema import Version

    path = tmp_path / "multipath.conf"
    path.write_text(PROTOCOL.replace("{extra}", extra))
    versions = {} if target is None else {"multipath-tools": Version.parse(target)}
    found = lint.run([str(path)], force_format="multipath", versions=versions).findings
    assert [f"{f.code}:{f.line}" for f in found] == codes


@pytest.mark.parametrize(
    ("written", "value"),
    [
        (r'"a|^/dev/drbd\.[0-9]|"', r"a|^/dev/drbd\.[0-9]|"),
        (r'"a/^\/dev\/drbd.*/"', r"a/^\/dev\/drbd.*/"),
        (r'"a|x\"y|"', 'a|x"y|'),
        (r'"a|x\\y|"', r"a|x\y|"),
        (r"'a|x\.y|'", r"a|x\.y|"),
    ],
)
def test_lvm_strings_keep_a_backslash_before_other_characters(written: str, value: str) -> None:
    """LVM2 libdm-config.c ``_parse_value``: a ``"..."`` string goes through
    ``dm_unescape_double_quotes``, libdm-string.c ``_unquote_one_character(src, '"',
    '\\\\')``, which drops a backslash only before ``"`` or another backslash; so
    ``"a|^/dev/drbd\\.[0-9]|"`` keeps its escaped dot (lvmconfig 2.03.16 prints it back
    as ``\\\\.``). The model made it ``.``, any character, in the filter regex."""
    doc = xencfg.loads(f"devices {{\n\tfilter = [ {written} ]\n}}\n", "lvm")
    assert [r.raw for r in doc.filter] == [value]


def test_a_comment_after_the_target_is_list_text() -> None:
    """IET's usr/plain.c ``match``: a line is skipped when its first word starts with
    ``#``; otherwise the rest is cut at commas (``__match``), blanks trimmed around each
    item, and each item is compared whole with ``ALL``, as an initiator regex
    (``^item$``) and by ``getaddrinfo(AI_NUMERICHOST)``: ``10.0.0.1 # alpha`` is none of
    them, so the line matches no one (BackupTheBerlios/iscsitarget-svn trunk/usr/plain.c,
    the 1.4.x reader). Lint took the ``#`` for a comment and said nothing."""
    text = "ALL 10.0.0.1 # alpha\n"
    doc = xencfg.loads(text, "iet-allow")
    found = xencfg.lint_text(text, "iet-allow").findings
    assert [(f.code, f.severity) for f in found] == [("XC005", "error")]
    assert "'10.0.0.1 # alpha'" in found[0].message
    assert xencfg.dumps(doc) == text
    assert xencfg.lint_text("# ALL 10.0.0.1, alpha\nALL 10.0.0.1\n", "iet-allow").findings == []


VIF = 'name = "vm1"\nmemory = 512\nbootloader = "pygrub"\nvif = [ "{spec}" ]\n'


@pytest.mark.parametrize(
    ("spec", "keys"),
    [
        (" mac=00:16:3e:00:00:01 , bridge=xenbr0 ", ["bridge"]),
        ("script=vif-bridge ,vifname=vm1.0 ,ip=10.0.0.5 ,bridge=xenbr0", ["script", "vifname"]),
        ("mac=00:16:3e:00:00:01, bridge=xenbr0", []),
    ],
)
def test_xl_keeps_the_blank_after_a_vif_value(spec: str, keys: list[str]) -> None:
    """peer-xl (xl 4.17 ``-N create -n``) 2026-12-07: ``"bridge": "xenbr0 "``,
    ``"script": "vif-bridge "``, ``"ifname": "vm1.0 "`` (and ``"ip": "10.0.0.5 "``, which
    vif-bridge reads word by word): parse_nic_config skips blanks before a piece, not
    after its value. No bridge, script or interface has a blank in its name (Linux
    ``dev_valid_name``), so the hotplug script fails and the guest does not start. xm
    stripped every piece (``create.py``), so only xl files are concerned."""
    from xencfg.formats.schema import Version

    text = VIF.replace("{spec}", spec)
    xl = xencfg.lint_text(text, "xl", versions={"xen": Version.parse("4.17")}).findings
    said = [f.message for f in xl if f.code == "XC005"]
    assert [
        k for k in ("bridge", "script", "vifname") if any(f"after {k}=" in m for m in said)
    ] == (keys)
    assert [f for f in xencfg.lint_text(text, "xm").findings if f.code == "XC005"] == []


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ("phy:/dev/drbd0 ,xvda,w", "'/dev/drbd0 '"),
        ("drbd:r0 ,xvda,w", "'r0 '"),
        ("vdev=xvda, target= /dev/drbd0", "' /dev/drbd0'"),
        ("phy: /dev/drbd0,xvda,w", None),
        ("format=raw, vdev=xvda, access=rw, target=/dev/drbd0", None),
        ("file:/srv/xen/my disk.img,xvda,w", None),
    ],
)
def test_xl_keeps_a_blank_at_the_end_of_a_disk_path(spec: str, path: str | None) -> None:
    """peer-xl (xl 4.17) 2026-12-07: ``phy:/dev/drbd0 ,xvda,w`` gives ``"pdev_path":
    "/dev/drbd0 "``, ``target= /dev/drbd0`` gives ``" /dev/drbd0"`` (target= takes the
    rest as it stands, libxlu_disk_l.l), ``phy: /dev/drbd0`` gives ``"/dev/drbd0"``
    (blanks before a parameter are skipped). xl takes the config; the block script then
    finds no such device and the guest does not start."""
    from xencfg.formats.schema import Version

    text = VIF.replace("vif = [", "disk = [").replace("{spec}", spec)
    found = xencfg.lint_text(text, "xl", versions={"xen": Version.parse("4.17")}).findings
    said = [f.message for f in found if f.code == "XN014"]
    assert said == ([] if path is None else [said[0]]) and (path is None or path in said[0])


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("(network-script (network-bridge netdev=eth1))", "has no attribute 'split'"),
        ("(xend-relocation-port (8002))", "expected int: ['8002']"),
        ("(xend-relocation-server (yes))", "expected bool: ['yes']"),
        ("(network-script 'network-bridge netdev=eth1')", None),
    ],
)
def test_xend_a_list_where_one_value_is_read(line: str, says: str | None) -> None:
    """XendOptions.py (Xen 3.2 to 4.4): ``get_config_value`` is ``sxp.child_value``,
    the first item, here a list; ``get_config_bool`` lower-cases ``str()`` of it and
    raises XendError "invalid xend config NAME: expected bool: ['yes']",
    ``get_config_int`` "expected int: ['8002']", and ``get_network_script`` calls
    ``s.split(" ")`` on it (AttributeError while xend starts). Augeas' Xendconfsxp.lns
    refuses the nested network-script too (peer-augeas, line 2 char 38)."""
    found = [f for f in xencfg.lint_text(line + "\n", "xend").findings if f.code == "XC005"]
    assert [says in f.message for f in found] == ([] if says is None else [True])


@pytest.mark.parametrize(
    ("value", "warned"), [("maybe", True), ("Yes", False), ("on", False), ("1", False)]
)
def test_a_resource_boolean_pacemaker_reads_as_false(value: str, warned: bool) -> None:
    """Pacemaker reads a resource's boolean meta attribute with ``crm_is_true``, without
    validating it: crm_verify 2.1.5 accepts ``is-managed="maybe"`` and crm_simulate -S
    (nodes up) shows "vm1 (ocf:heartbeat:Xen): Stopped (unmanaged)" (peer run
    2026-12-07, tests/fixtures/spelling29/cib/pcmk10-boolean-maybe.xml)."""
    text = (HERE / "cib/pcmk10-boolean-maybe.xml").read_text().replace('"maybe"', f'"{value}"')
    found = [f for f in xencfg.lint_text(text, "cib").findings if f.code == "CB041"]
    assert [(f.severity, "reads it as false" in f.message) for f in found] == (
        [("warning", True)] if warned else []
    )


def test_a_blank_before_the_target_role_is_no_role() -> None:
    """Pacemaker's text2role compares the whole value (strcasecmp, nothing stripped):
    crm_verify 2.1.5 on the fixture "Unknown role:  Stopped", "Ignoring 'target-role'
    for vm1 because ' Stopped' is not valid", "Errors found"; crm_simulate -S then
    starts vm1. CB028 stripped the value and said nothing."""
    path = HERE / "cib/pcmk10-target-role-blank.xml"
    found = [f for f in tdv.lint_file(path, "cib") if f.code == "CB028"]
    assert [(f.severity, "' Stopped'" in f.message) for f in found] == [("error", True)]


# -- the daemons ----------------------------------------------------------------------


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", _of("multipath"), ids=_key)
def test_multipath_t_agrees(path: Path) -> None:
    """peer-multipath (0.9.4): refused where lint errs, and every note (duplicate,
    deprecated or unknown keyword, a stray '}') reported by lint on its line."""
    verdict = tdv.multipath(path)
    assert tdv.disagreements(verdict, tdv.lint_file(path, "multipath")) == []
    assert verdict.accepted == (_key(path) not in ERRORS)


@pytest.mark.peer
@pytest.mark.shared
def test_multipath_t_prints_the_protocol_subsection() -> None:
    verdict = tdv.multipath(HERE / "multipath/overrides-protocol.conf")
    assert re.search(r'overrides \{\s*protocol \{\s*type "scsi:fcp"', verdict.text)


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("fmt", ["xl", "cib"])
def test_xl_and_crm_verify_agree(fmt: str) -> None:
    """peer-xl (4.17) and peer-crm-verify (2.1.5, warnings only count as accepted):
    refused exactly where lint errs, but for ``DRY_RUN``."""
    judge = {"xl": tdv.xl, "cib": tdv.crm_verify}[fmt]
    wrong = []
    for path in _of(fmt):
        verdict = judge(path)
        expected = _key(path) in DRY_RUN or _key(path) not in ERRORS
        if verdict.accepted != expected:
            wrong.append(f"{_key(path)}: {verdict.text[:200]!r}")
    assert wrong == []


def _lvm(path: Path, tmp: Path, *args: str) -> tuple[int, str]:
    """``lvm ARGS`` (LVM 2.03.16) with ``path`` as its lvm.conf (``LVM_SYSTEM_DIR``), in a
    mount namespace with a /run of its own (it takes its locks there)."""
    if shutil.which("lvm") is None:
        unavailable("lvm (lvm2) is not installed")
    if os.geteuid() != 0:
        unavailable("lvm needs root (its locks, the mount namespace)")
    sysdir = Path(tempfile.mkdtemp(dir=tmp))
    (sysdir / "lvm.conf").write_bytes(path.read_bytes())
    script = 'mount -t tmpfs none /run && exec lvm "$@"'
    env = ["env", f"LVM_SYSTEM_DIR={sysdir}", "LVM_SUPPRESS_FD_WARNINGS=1"]
    return tdv._run([*env, "unshare", "-m", "sh", "-c", script, "lvm", *args])


@pytest.mark.peer
@pytest.mark.parametrize("path", _of("lvm"), ids=_key)
def test_lvm_agrees(tmp_path: Path, path: Path) -> None:
    """``lvm pvs`` (2.03.16; it reads the file, then builds its device filter: rc 4 "Parse
    error", rc 5 "Invalid filter pattern") fails exactly where lint errs; where it
    runs, the model's filter is what ``lvmconfig devices/filter`` prints."""
    rc, out = _lvm(path, tmp_path, "pvs")
    assert (rc == 0) == (_key(path) not in ERRORS), out
    doc = xencfg.load(path, "lvm") if rc == 0 else None
    if doc is None or not doc.filter:
        return
    _, printed = _lvm(path, tmp_path, "lvmconfig", "devices/filter")
    m = re.search(r"^filter=(.*)$", printed, re.M)
    assert m is not None, printed
    listed = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    assert [r.raw for r in doc.filter] == [re.sub(r'\\([\\"])', r"\1", s) for s in listed]


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("x|.*|", "Pattern must begin with 'a' or 'r'"),
        ("r|.*", "Invalid separator at end of regex"),
        ("a|x|y", "Invalid separator at end of regex"),
        ("a(^/dev/drbd.*)", None),
        ("r{.*}", None),
    ],
)
def test_a_filter_pattern_lvm_refuses_stops_every_command(pattern: str, says: str | None) -> None:
    """LVM2 lib/filters/filter-regex.c ``_extract_pattern``: ``a`` or ``r``, then the
    separator (``(``/``[``/``{`` closed by their pair), and the last character must be
    that separator; else "Invalid filter pattern", "Failed to create regex device
    filter" and ``lvm pvs`` exits 5 (run 2026-12-07 on the fixtures). Lint read such a
    pattern as no rule and said nothing; ``a|x|y`` it even took as ``a|x|``."""
    text = f'devices {{\n\tfilter = [ "{pattern}" ]\n}}\n'
    found = [f for f in xencfg.lint_text(text, "lvm").findings if f.code == "XC005"]
    assert [(f.severity, says in f.message) for f in found] == (
        [] if says is None else [("error", True)]
    )


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize(("fmt", "lens"), [("iscsid", "Iscsid.lns"), ("xend", "Xendconfsxp.lns")])
def test_augeas_refuses_only_where_lint_errs(fmt: str, lens: str) -> None:
    """peer-augeas parses (Xendconfsxp.lns cannot put any file back, a lens bug): what it
    refuses, lint gives an error for; lint's other errors are values the lens does not
    look at (iscsid's ``automatic # at boot``)."""
    peer = augeas_lens(lens.split(".")[0].lower() + ".aug")
    wrong = [
        _key(p) for p in _of(fmt) if not augeas_tree(peer, lens, p)[0] and _key(p) not in ERRORS
    ]
    assert wrong == []


@pytest.mark.peer
@pytest.mark.shared
@pytest.mark.parametrize("path", _of("iscsid"), ids=_key)
def test_iscsiadm_keys(path: Path) -> None:
    """peer-iscsiadm (2.1.8): every key it does not know is reported by lint on its line."""
    verdict = tdv.iscsiadm(path)
    assert tdv.disagreements(verdict, tdv.lint_file(path, "iscsid")) == []


def test_an_upper_case_initiator_name_is_a_warning() -> None:
    """iscsid takes ``InitiatorName=iqn.2005-03.org.open-iscsi:DOM0A`` and logs in with
    it as written (this round's peer-iscsiadm run); the hazard is the target's: rtslib
    writes LIO's ACLs in lower case (``_cleanse_wwn``: ``wwn.strip().lower()``) and the
    kernel compares names with strcmp, so the login is turned away. A warning, not the
    error it was (the daemon does not refuse it)."""
    text = "InitiatorName=IQN.2026-12.NET.EXAMPLE:ALPHA\n"
    found = xencfg.lint_text(text, "initiatorname").findings
    assert [(f.code, f.severity) for f in found] == [("XC005", "warning")]
    assert "LIO" in found[0].message


@pytest.mark.parametrize(
    ("name", "value", "warned"),
    [
        ("is-managed", "default", False),
        ("is-managed", "#default", False),
        ("allow-migrate", "#default", False),
        ("allow-migrate", "default", True),
        ("is-managed", "maybe", True),
    ],
)
def test_cb041_leaves_the_values_pacemaker_reads_as_unset(
    name: str, value: str, warned: bool
) -> None:
    """Pacemaker drops a ``#default`` meta value (1.0 lib/pengine/rules.c
    populate_hash: "Removing value") and skips ``is-managed=default`` (1.0 complex.c
    ``safe_str_neq("default", value)``; 3.0 complex.c, deprecated since 2.1.8): the
    resource stays managed. heartbeat 2 CIBs (tools/ciblint's test CIBs) wrote them,
    and converted to Pacemaker 1.0 they were called "read as false"."""
    cib = (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">'
        "<configuration><crm_config/><nodes/><resources>"
        '<primitive id="vm" class="ocf" provider="heartbeat" type="Xen">'
        f'<meta_attributes id="m"><nvpair id="m1" name="{name}" value="{value}"/>'
        "</meta_attributes></primitive></resources><constraints/></configuration>"
        "<status/></cib>"
    )
    found = xencfg.lint_text(cib, "cib", select=["CB041"]).findings
    assert [f.severity for f in found] == (["warning"] if warned else [])
