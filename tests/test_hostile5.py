"""Hostile inputs, fifth campaign: issue 22's promises re-checked on the code of the last
two sessions (the streaming XML reader, live state, the new rules and edits). Each test is
the smallest reproducer, bounded and fast; the time each shape takes is measured in
bench/pathological.py's series, never here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xencfg
from xencfg import lint
from xencfg.cli import main
from xencfg.formats.cib.xmltext import doctype_span
from xencfg.versions import Version

# --- the streaming XML reader (cman, crm_mon): internal entities (item 11) ---------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "cman",
            '<?xml version="1.0"?>\n<!DOCTYPE cluster [<!ENTITY p "other">]>\n'
            '<cluster name="&p;" config_version="1"><clusternodes/></cluster>\n',
        ),
        (
            "crm-mon-xml",
            '<!DOCTYPE crm_mon [<!ENTITY p "other">]>\n<crm_mon version="2.0"><nodes>'
            '<node name="&p;" id="1" online="true"/></nodes></crm_mon>\n',
        ),
    ],
)
def test_streamed_xml_refuses_declared_entities(fmt: str, text: str) -> None:
    """libxml2 replaces an internal entity in an attribute value whatever
    resolve_entities says: cman's cluster name read as 'other' where the file says
    '&p;' (the CIB refused such a DOCTYPE already; the stream reader did not)."""
    with pytest.raises(xencfg.ParseError, match="declares entities") as info:
        xencfg.loads(text, fmt, path="f.xml")
    assert info.value.path == "f.xml" and info.value.column == 20


def test_an_entity_in_a_comment_is_no_declaration() -> None:
    text = '<!-- <!ENTITY p "b"> -->\n<cluster name="p" config_version="1"/>\n'
    assert xencfg.loads(text, "cman").to_dict()["name"] == "p"


def test_doctype_behind_many_comments_is_found_in_one_pass() -> None:
    """Each comment before the DOCTYPE started a new search for it that scanned the rest
    of the text for the other openers: quadratic (40,000 comments, 320 KB: 16 s)."""
    text = "<!---->\n" * 3 + "<?pi?><![CDATA[<!DOCTYPE no>]]>" + '<!DOCTYPE cib [<!ENTITY e "x">]>'
    span = doctype_span(text)
    assert span is not None and text[span[0] :].startswith("<!DOCTYPE cib")
    assert doctype_span("<!-- <!DOCTYPE x> -->") is None
    assert doctype_span("<!-- <!DOCTYPE x>") is None


# --- lint --fix never writes a supportconfig section's place on the node (item 2) ---------

_NBSP_DRBD = (
    "resource r0 {\n  on n1 {\n    device /dev/drbd0;\n    disk /dev/sda1;\n"
    "    address 10.0.0.1:7788;\n    meta-disk\u00a0internal;\n  }\n  on n2 {\n"
    "    device /dev/drbd0;\n    disk /dev/sda1;\n    address 10.0.0.2:7788;\n"
    "    meta-disk internal;\n  }\n}\n"
)


def test_fix_never_writes_through_a_supportconfig_section(tmp_path: Path) -> None:
    """A supportconfig section is named by its place on the node (root/etc/drbd.conf);
    --fix wrote there when a file at that place had the section's text. With a planted
    ``etc -> /etc`` link beside drbd.txt, that was the host's own /etc/drbd.conf."""
    host_etc = tmp_path / "host-etc"
    host_etc.mkdir()
    (host_etc / "drbd.conf").write_text(_NBSP_DRBD)
    scc = tmp_path / "scc_n1_261206_1000"
    scc.mkdir()
    (scc / "basic-environment.txt").write_text(
        "#==[ Command ]======================================#\n# /bin/uname -a\n"
        "Linux n1 2.6.16 #1 SMP x86_64\n\n"
    )
    (scc / "drbd.txt").write_text(
        "#==[ Configuration File ]===========================#\n# /etc/drbd.conf\n" + _NBSP_DRBD
    )
    (scc / "etc").symlink_to(host_etc)
    assert main(["lint", "--fix", str(scc)]) == 1  # the DR008 error stays, reported
    assert (host_etc / "drbd.conf").read_text() == _NBSP_DRBD


# --- what the CLI prints: undecodable bytes and terminal controls (items 7 and 9) -------


def _lint_strict_utf8(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The CLI as it runs under en_US.UTF-8 (stdout strict; the C locale, as here, gets
    surrogateescape from Python itself)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    env.pop("XENCFG_DEBUG", None)
    cmd = [sys.executable, "-m", "xencfg", "lint", *args]
    return subprocess.run(cmd, capture_output=True, env=env, timeout=120)


def test_a_quoted_undecodable_byte_is_printed_not_a_traceback(tmp_path: Path) -> None:
    """XC003 quotes the unknown keyword as read: a Latin-1 byte in it ended the text
    report in UnicodeEncodeError under a UTF-8 locale. The text report keeps the byte."""
    (tmp_path / "n1" / "etc").mkdir(parents=True)
    (tmp_path / "n1" / "etc" / "multipath.conf").write_bytes(
        b"defaults {\n\tus\xffer_friendly_names yes\n}\n"
    )
    done = _lint_strict_utf8("-v", str(tmp_path / "n1"))
    assert b"Traceback" not in done.stderr and done.returncode == 0, done.stderr
    assert b"unknown keyword 'us\xffer_friendly_names'" in done.stdout


def test_terminal_controls_from_a_file_are_shown_escaped(tmp_path: Path) -> None:
    """A hostile multipath.conf's value ``yes ESC]0;pwned BEL`` retitled the terminal of
    the admin who linted it (OSC 52 writes the clipboard); a newline in a quoted value
    could forge a finding line. Every control a finding quotes is written \\xNN."""
    conf = tmp_path / "multipath.conf"
    conf.write_bytes(b"defaults {\n\tuser_friendly_names yes\x1b]0;pwned\x07\n\tfoo\x9b2J 1\n}\n")
    done = _lint_strict_utf8("--as", "multipath", str(conf))
    assert b"'yes\\x1B]0;pwned\\x07'" in done.stdout
    assert b"'foo\\x9B2J'" in done.stdout
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", done.stdout)


# --- super-linear regexes found by the shape scan (item 3; times in bench/pathological) --


def test_iscsi_session_field_values_are_stripped_as_before() -> None:
    """iscsiadm's ``Key: value`` lines: the value's lazy match before ``\\s*$`` was
    quadratic in a run of blanks inside it (48,000 blanks: 7 s); the value is now
    stripped after the match, to the same text."""
    text = (
        "Target: iqn.2001-04.com.example:t1\n\tCurrent Portal: 10.0.0.1:3260,1   \t\n"
        "\t\tSID: 7  \n\t\tiSCSI Session State: LOGGED IN" + " " * 3000 + "x \n"
    )
    doc = xencfg.loads(text, "iscsi-session")
    s = doc.sessions[0]  # type: ignore[attr-defined]
    assert (s.portal, s.sid) == ("10.0.0.1:3260,1", 7)
    assert xencfg.dumps(doc) == text


@pytest.mark.parametrize(
    ("tag", "kept"),
    [
        ('<rsc_order id="o" kind="Mandatory" first="a"/>', '<rsc_order id="o" first="a"/>'),
        ("<rsc_order kind='Optional'/>", "<rsc_order/>"),
        ('<rsc_order id="o"' + " " * 500 + 'kind="x"/>', '<rsc_order id="o"/>'),
        ('<rsc_order id="o"' + " " * 500 + "/>", '<rsc_order id="o"' + " " * 500 + "/>"),
    ],
)
def test_cb_later_schema_drops_kind_as_before(tag: str, kept: str) -> None:
    """The text validated as a later Pacemaker reads it, without rsc_order's kind: the
    lazy attributes before ``\\s+kind`` tried every blank of a run (64,000 blanks in one
    rsc_order tag: 6.5 s of lint)."""
    from xencfg.rules.cib.schema import _ORDER_KIND

    assert _ORDER_KIND.sub(r"\1", tag) == kept


# --- migrate -o and capture -o follow no planted link (item 2) ---------------------------

_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "two-node"
_LINT_TREES = Path(__file__).resolve().parent / "fixtures" / "lint-trees"


def _plant(link: Path, target: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to plant a link owned by another user")
    os.symlink(target, link)
    os.lchown(link, 65534, 65534)


def test_migrate_never_chmods_through_a_planted_link(tmp_path: Path) -> None:
    """An output folder of an earlier run where another user planted
    ``alpha/etc/corosync/corosync.conf -> /etc/passwd``: migrate chmodded the link's
    target to 0600 ("a 0400 key must be replaceable") before write_atomic refused the
    link, and /etc/passwd unreadable breaks every login but root's."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    out = tmp_path / "mig"
    (out / "alpha" / "etc" / "corosync").mkdir(parents=True)
    _plant(out / "alpha" / "etc" / "corosync" / "corosync.conf", victim)
    nodes = [str(_EXAMPLE / "alpha"), str(_EXAMPLE / "beta")]
    assert main(["migrate", "-o", str(out), *nodes]) == 2
    assert victim.stat().st_mode & 0o777 == 0o644 and victim.read_text() == "precious\n"


def test_an_output_folder_planted_as_a_link_is_refused(tmp_path: Path) -> None:
    """``-o /tmp/out`` where another user made /tmp/out a link to a folder of their
    choosing (/etc): every output of migrate, and capture's state files, went there."""
    from xencfg import live

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    _plant(out, elsewhere)
    nodes = [str(_EXAMPLE / "alpha"), str(_EXAMPLE / "beta")]
    assert main(["migrate", "-o", str(out), *nodes]) == 2
    with pytest.raises(xencfg.XencfgError, match="not by you or root"):
        live.write([], out)  # (capture -o: what it ran, written below the folder)
    assert list(elsewhere.iterdir()) == []


def test_an_output_folder_that_is_the_admins_own_link_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink("real", tmp_path / "out")  # ours (the test's uid): followed
    nodes = [str(_EXAMPLE / "alpha"), str(_EXAMPLE / "beta")]
    assert main(["migrate", "-o", str(tmp_path / "out"), *nodes]) == 0
    assert (tmp_path / "real" / "MIGRATION.md").is_file()


def test_lint_verbose_lines_do_not_forge_workflow_commands(tmp_path: Path) -> None:
    """A domU config named ``vm<LF>::error file=README.md::pwned`` in a tree a CI job
    lints: ``lint -v`` printed the name raw, and the runner read its second line as a
    workflow command (the github report escaped it; the -v lines did not)."""
    etc = tmp_path / "n1" / "etc"
    (etc / "xen").mkdir(parents=True)
    (etc / "hostname").write_text("n1\n")
    (etc / "xen" / "vm\n::error file=README.md,line=1::pwned\nx").write_text("name = 'a'\n")
    done = _lint_strict_utf8("-v", "--output-format", "github", str(tmp_path / "n1"))
    lines = (done.stdout + done.stderr).decode().splitlines()
    assert not [ln for ln in lines if ln.startswith("::error")]
    assert any("vm\\x0A::error" in ln for ln in lines)


# --- numbers: '²' passes str.isdigit, int() refuses it and 4,301 digits (item 8) ---------

_BIG = "9" * 5000


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("etc/ietd.conf", "Target iqn.2001-04.com.example:t1\n\tMaxConnections \u00b2\n"),
        ("etc/ietd.conf", f"Target iqn.2001-04.com.example:t1\n\tMaxConnections {_BIG}\n"),
        ("etc/multipath.conf", f"defaults {{\n\tfailback {_BIG}\n}}\n"),
        ("etc/multipath.conf", f"defaults {{\n\tno_path_retry -{_BIG}\n}}\n"),
        ("etc/ha.d/authkeys", f"auth {_BIG}\n1 sha1 abc\n"),
        ("etc/drbd.conf", "global { minor-count \u00b2; }\n"),
        ("etc/drbd.conf", f"global {{ minor-count {_BIG}; }}\n"),
        (
            "var/lib/pacemaker/cib/cib.xml",
            '<cib validate-with="pacemaker-2.0"><configuration><crm_config/><nodes/>'
            '<resources/><constraints/><fencing-topology><fencing-level id="fl" target='
            '"n1" index="\u00b2" devices="st"/></fencing-topology></configuration>'
            "<status/></cib>\n",
        ),
    ],
)
def test_odd_digit_strings_are_values_not_rule_crashes(tmp_path: Path, rel: str, text: str) -> None:
    """Each was a ValueError in a rule (XC006; under XENCFG_DEBUG, as here, a raise):
    ``str.isdigit`` said yes to '²' and int() refused it, or int() refused 5,000
    digits. The daemons read ASCII digits with strtol and kin, which saturate."""
    (tmp_path / "n1" / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "n1" / rel).write_text(text)
    (tmp_path / "n1" / "etc").mkdir(exist_ok=True)
    (tmp_path / "n1" / "etc" / "hostname").write_text("n1\n")
    result = lint.run([str(tmp_path / "n1")], versions={"drbd": Version.parse("8.3.13")})
    assert not [f for f in result.findings if f.code == "XC006"]


def test_saturated_numbers_keep_their_verdicts() -> None:
    from xencfg.syntax.numbers import HUGE, decimal, decimal_or_none

    assert decimal("0042") == 42 and decimal(_BIG) == HUGE and decimal("0" * 5000) == 0
    assert decimal_or_none("\u00b2") is None and decimal_or_none("\u0663") is None
    doc = xencfg.loads(f"Target iqn.2001-04.com.example:t1\n\tMaxConnections {_BIG}\n", "ietd")
    assert any("is outside" in str(p) for p in doc.value_problems())  # type: ignore[attr-defined]


def test_migrate_writes_nothing_outside_its_folder_whatever_a_hostname_says(
    tmp_path: Path,
) -> None:
    """A node is named by its etc/hostname and its files go to OUTDIR/NODE/...: a tree
    whose hostname read ``/`` had migrate -o write its corosync.conf, authkey and xl.conf
    over the host's own /etc (here: a folder of the test's, not below OUTDIR). Refused,
    before any write."""
    import shutil

    from xencfg.migrate.run import below

    tree = tmp_path / "tree"
    for node in ("alpha", "beta"):
        shutil.copytree(_EXAMPLE / node, tree / node)
    (tree / "alpha" / "etc" / "hostname").write_text(f"{tmp_path}/escaped\n")
    out = tmp_path / "out"
    assert main(["migrate", "-o", str(out), str(tree / "alpha"), str(tree / "beta")]) == 2
    assert not (tmp_path / "escaped").exists() and not out.exists()
    for node in ("/", "..", "x/../..", "/etc"):
        with pytest.raises(xencfg.XencfgError, match="outside"):
            below(out, node, "etc/corosync/corosync.conf")
    assert below(out, "alpha", "etc/hosts") == out / "alpha" / "etc" / "hosts"


def test_dr014_reads_an_unparsable_ucast_address_as_no_address(tmp_path: Path) -> None:
    """ha.cf's ucast host is kept as written; DR014 made a network of
    ``ucast eth1 -0.0.0.2`` and ipaddress raised ValueError (found by the number fuzzer:
    '10' replaced by '-0')."""
    import shutil

    tree = tmp_path / "t"
    shutil.copytree(_LINT_TREES / "heartbeat-name-case" / "good", tree)
    hacf = tree / "alpha" / "etc" / "ha.d" / "ha.cf"
    hacf.write_text(hacf.read_text().replace("ucast eth1 10.0.0.2", "ucast eth1 -0.0.0.2"))
    result = lint.run([str(tree)])
    assert not [f for f in result.findings if f.code == "XC006"]


def test_graph_and_diff_show_terminal_controls_escaped(tmp_path: Path) -> None:
    """``graph`` (DOT on standard output) quotes findings in tooltips and ``diff`` prints
    the values it compares: both wrote a file's ESC ] 0 ; ... BEL raw to the terminal."""
    for node, value in (("n1", "yes"), ("n2", "yes\x1b]0;pwned\x07")):
        (tmp_path / node / "etc").mkdir(parents=True)
        (tmp_path / node / "etc" / "hostname").write_text(node + "\n")
        (tmp_path / node / "etc" / "multipath.conf").write_text(
            f"defaults {{\n\tuser_friendly_names {value}\n}}\n"
        )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    for args in (
        ["graph", str(tmp_path / "n2")],
        ["diff", *(str(tmp_path / n) for n in ("n1", "n2"))],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "xencfg", *args], capture_output=True, env=env, timeout=120
        )
        assert b"x1B]0;pwned" in done.stdout, done.stderr  # (DOT doubles the backslash)
        assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout


def test_an_error_snippet_shows_terminal_controls_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg parse`` (and every command's error) prints a caret snippet of the line:
    a cluster.conf's ``name="a ESC]0;x BEL"`` went raw to the terminal."""
    bad = tmp_path / "cluster.conf"
    bad.write_bytes(b'<cluster name="a\x1b]0;x\x07" config_version="1">\n<clusternodes>\n')
    assert main(["parse", "--as", "cman", str(bad)]) == 2
    err = capsys.readouterr().err
    assert '<cluster name="a\\x1B]0;x\\x07"' in err and "\x1b" not in err


def test_migrate_reads_an_odd_netmask_as_no_netmask() -> None:
    """An IPaddr netmask of '255.²55.255.0' passed str.isdigit and int() raised (a
    traceback from migrate); one of 5,000 digits the same."""
    from xencfg.migrate.agents import _prefix_length

    assert _prefix_length("255.\u00b255.255.0") is None
    assert _prefix_length("255.255.255." + "9" * 5000) is None
    assert _prefix_length("255.255.255.0") == 24


# --- xm's statement splitter: an unclosed quote after a run of blanks (item 3) -----------


def test_xm_unclosed_quote_is_one_error_token_for_the_splitter() -> None:
    """CPython's tokenizer read each blank before a quote its line never closes as an
    error token, retrying the whole run each time: ``x =`` + 2,000 blanks + ``'`` took
    4 s (found by the memory fuzzer's hang limit). The quote is now a lone ``,`` for the
    statement splitter: the same tokens around it, and the same statements."""
    from xencfg.formats.xen._tokens import unclosed_quotes as _unclosed_quotes
    from xencfg.formats.xen.xm import _lexable

    assert _unclosed_quotes("x = '  ") == [4]
    assert _unclosed_quotes("x = \"a\" # '\ny = 'b'") == []  # (a comment, a closed string)
    assert _unclosed_quotes("x = '''a\nb''' + '") == [16]  # (after a triple-quoted one)
    assert _unclosed_quotes("x = 'a\\\nb' + \"") == [13]  # (after a continued one)
    # a continued string the next line does not close ends with that line (tokenize)
    assert _unclosed_quotes('x = "a\\\nb\ny = "') == [14]
    assert _lexable('else":') == "else,:"
    text = "name = 'vm'\ndisk = [" + " " * 3000 + "'\n"
    with pytest.raises(xencfg.ParseError):
        xencfg.loads(text, "xm")


def test_drbd_address_set_from_text_is_read_back_whole() -> None:
    """fuzz5: ``host.address = "10.0.0.3:7788; } resource evil {"`` wrote
    ``floating 10.0.0.3;``: the junk cut off silently and the port lost. A text that
    does not read back whole as ``[FAMILY] IP:PORT`` is refused, on ``on`` and
    ``floating`` hosts alike; ``ipv4 10.0.0.9 : 7790`` (drbdadm's three tokens) is one."""
    text = (
        "resource r { floating 10.0.0.3:7788 { device /dev/drbd0; disk /dev/sda; "
        "meta-disk internal; } on b { device /dev/drbd0; disk /dev/sda; "
        "address 10.0.0.2:7788; meta-disk internal; } }\n"
    )
    doc = xencfg.loads(text, "drbd")
    hosts = list(doc.resources["r"].hosts.values())  # type: ignore[attr-defined]
    for host in hosts:
        for bad in ("10.0.0.3:7788; } resource evil {", "10.0.0.3:77x88"):
            with pytest.raises(ValueError, match="is not an address"):
                host.address = bad
    assert xencfg.dumps(doc) == text
    for host in hosts:
        host.address = "ipv4 10.0.0.9 : 7790"
        assert host.address.values() == ["ipv4", "10.0.0.9:7790"]
