"""Hostile inputs, round 28: the readers and commands added since the last campaigns
(migrate's own reads of a node's files, captured state, release files, boot links).
Each case was a hang, a traceback or a read outside the node tree before its fix."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import ROOT
from fuzzkit import in_child
from xencfg import migrate

FIXTURES = ROOT / "tests" / "fixtures"
#: A plan of two or three nodes takes a second or two; a blocked read never returns.
LIMIT = 60


def _copy(tmp_path: Path, source: Path) -> list[Path]:
    tree = tmp_path / "t"
    shutil.copytree(source, tree, symlinks=True)
    for key in tree.rglob("authkeys"):
        os.chmod(key, 0o600)
    return sorted(p for p in tree.iterdir() if p.is_dir())


def _plan(nodes: list[Path], only: tuple[str, ...] | None = None) -> migrate.Migration:
    return migrate.plan([str(p) for p in nodes], only=only)


def _plan_returns(nodes: list[Path], only: tuple[str, ...] | None = None) -> str | None:
    """``None`` when a plan of ``nodes`` returns, else what went wrong (a hang)."""

    def run() -> None:
        _plan(nodes, only)

    return in_child(run, limit=LIMIT)


def _replace(path: Path, make: str) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if make == "fifo":
        os.mkfifo(path)
    else:
        os.symlink(make, path)


# --- migrate read a node's files with a plain open ----------------------------------------


def test_migrate_reads_no_network_file_linked_out_of_the_tree(tmp_path: Path) -> None:
    """migrate/ifaces.py read /etc/network/interfaces with ``Path.read_text``, which
    follows a link out of the node tree: an absolute link in an unpacked tree read this
    host's file, and its address went into the new corosync.conf as the node's ring
    address. It is read inside the tree now, as discovery reads (``in_root``)."""
    alpha, beta = _copy(tmp_path, ROOT / "examples" / "two-node")
    host = tmp_path / "host-interfaces"
    host.write_text("auto eth0\niface eth0 inet static\n  address 10.9.9.9/24\n")
    _replace(alpha / "etc" / "network" / "interfaces", str(host))
    _replace(alpha / "etc" / "sysconfig" / "network-scripts" / "ifcfg-eth0", str(host))
    m = _plan([alpha, beta], only=("stack",))
    assert not [o.path for o in m.outputs if b"10.9.9.9" in o.data]
    # the same file inside the tree is read (the reader still works)
    (alpha / "etc" / "network" / "interfaces").unlink()
    shutil.copy(host, alpha / "etc" / "network" / "interfaces")
    m = _plan([alpha, beta], only=("stack",))
    assert {o.path for o in m.outputs if b"10.9.9.9" in o.data} == {"etc/corosync/corosync.conf"}


@pytest.mark.parametrize(
    ("source", "rel"),
    [
        # part_ais._service_d: every file of service.d opened with no is_file check
        ("migrate24/rhel6", "etc/corosync/service.d/pcmk"),
        # part_ais.cman_sysconfig: /etc/sysconfig/cman read with no is_file check
        ("unseen6/centos6-cman-fencepcmk-pcs09-drbd84-clvm-gfs2-xm", "etc/sysconfig/cman"),
    ],
)
def test_migrate_does_not_block_on_a_fifo(tmp_path: Path, source: str, rel: str) -> None:
    """A FIFO where migrate reads a file (a hostile tree, or one file swapped while
    migrate runs) blocked the open for ever; it is refused as no regular file."""
    nodes = _copy(tmp_path, FIXTURES / source)
    for node in nodes:
        _replace(node / rel, "fifo")
    assert _plan_returns(nodes) is None


_KMSG_READABLE = os.access("/proc/kmsg", os.R_OK)


@pytest.mark.skipif(not _KMSG_READABLE, reason="/proc/kmsg is readable by root only")
@pytest.mark.parametrize(
    ("source", "rel"),
    [
        ("examples/two-node", "etc/network/interfaces"),  # ifaces.py
        ("examples/two-node", "etc/network/interfaces.d/eth1"),
        ("examples/two-node", "etc/corosync/corosync.conf"),  # part_stack: the compare
        ("tests/fixtures/unseen6/centos6-cman-fencepcmk-pcs09-drbd84-clvm-gfs2-xm", "etc/fstab"),
        ("examples/two-node", "etc/xen/xl.conf"),  # part_storage.keep_xl_conf
    ],
)
def test_migrate_does_not_block_on_a_link_to_proc_kmsg(
    tmp_path: Path, source: str, rel: str
) -> None:
    """``Path.is_file()`` is true of /proc/kmsg (procfs says regular file) and its read
    waits for the next kernel message: migrate hung on a node file linked there. Its
    reads now go through discovery's, which refuse a link into /proc."""
    nodes = _copy(tmp_path, ROOT / source)
    for node in nodes:
        _replace(node / rel, "/proc/kmsg")
    assert _plan_returns(nodes) is None


# --- writes never replace what is not a regular file ----------------------------------------


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.xml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        if os.geteuid() != 0:
            pytest.skip("mknod needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a null device
    return path


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_cib_convert_output_never_replaces_a_device_or_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """write_atomic renamed its temporary file over whatever the path named: run as
    root, ``xencfg cib convert cib.xml -o /dev/null`` (or ``/dev/full``, as this round
    tried) replaced the machine's device node with a regular file, and a FIFO lost
    its reader. A target that is not a regular file is refused, unchanged."""
    from xencfg.cli import main

    cib = ROOT / "examples" / "two-node" / "alpha" / "var" / "lib" / "heartbeat" / "crm"
    out = _special(tmp_path, kind)
    before = os.lstat(out)
    assert main(["cib", "convert", str(cib / "cib.xml"), "-o", str(out)]) == 2
    assert f"{out}: not a regular file; not replaced" in capsys.readouterr().err
    after = os.lstat(out)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xencfg-")]


def test_graph_output_never_replaces_a_fifo(tmp_path: Path) -> None:
    from xencfg.cli import main

    out = tmp_path / "g.dot"
    os.mkfifo(out)
    two = ROOT / "examples" / "two-node"
    assert main(["graph", str(two / "alpha"), str(two / "beta"), "-o", str(out)]) == 2
    assert stat.S_ISFIFO(os.lstat(out).st_mode)


def test_migrate_report_shows_terminal_controls_of_a_file_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A domU config named ``w\\x1b]0;pwn\\x07`` (an xterm title sequence) went raw into
    migrate's report on the terminal, twice per node (its output line, its changes),
    and into the "wrote" lines: lint, diff and graph already showed such bytes as
    ``\\xNN`` (test_hostile5), migrate's report did not."""
    from xencfg.cli import main

    alpha, beta = _copy(tmp_path, ROOT / "examples" / "two-node")
    for node in (alpha, beta):
        domains = node / "etc" / "xen" / "domains"
        os.rename(domains / "web", domains / "w\x1b]0;pwn\x07")
    assert main(["migrate", "--check", str(alpha), str(beta)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "domains/w\\x1B]0;pwn\\x07" in out
    assert main(["migrate", "-o", str(tmp_path / "out"), str(alpha), str(beta)]) == 0
    said = capsys.readouterr()
    assert "\x1b" not in said.out + said.err
    assert "domains/w\\x1B]0;pwn\\x07" in said.err  # (the "wrote" lines)


# --- symlink loops given on the command line -------------------------------------------------


def test_a_symlink_loop_given_to_lint_or_as_migrates_output_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``Path.resolve()`` raises RuntimeError on a symlink loop (Python 3.10 to 3.12):
    the settings search from the first linted path and migrate's check that OUTDIR
    does not overlap the inputs ended ``xencfg lint LOOP``, ``lint LOOP/x``, ``lint
    --context LOOP FILE`` and ``migrate -o LOOP`` with a traceback."""
    from xencfg.cli import main

    loop = tmp_path / "loop"
    os.symlink("loop", loop)
    two = ROOT / "examples" / "two-node"
    cib = two / "alpha" / "var" / "lib" / "heartbeat" / "crm" / "cib.xml"
    assert main(["lint", str(loop)]) == 2
    assert main(["lint", str(loop / "x")]) == 2
    assert main(["lint", "--context", str(loop), str(cib)]) in (0, 1)
    capsys.readouterr()
    for out in (loop, loop / "sub"):
        assert main(["migrate", str(two / "alpha"), str(two / "beta"), "-o", str(out)]) == 2
        assert f"xencfg: {out}: cannot write there: a symbolic link loop" in capsys.readouterr().err


def test_a_sosreport_output_that_is_a_symlink_loop_is_reported_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """live._inside (is a sosreport's command output a link out of the tree?) caught
    OSError only, and Path.resolve() raises RuntimeError on a loop: a sosreport whose
    sos_commands/drbd/drbdsetup_status_all links to itself ended lint in a traceback.
    It is now not read, reported as the loop it is (not as a link out of the tree)."""
    from xencfg.cli import main

    (node,) = _copy(tmp_path, FIXTURES / "live-captures" / "sos-4-rhel9")
    output = node / "sos_commands" / "drbd" / "drbdsetup_status_all"
    _replace(output, output.name)
    assert main(["lint", str(node)]) == 1
    out = capsys.readouterr().out
    assert f"{output}:0:0: XC002 not read: a symbolic link loop [error]" in out


def test_lint_fix_that_may_not_chmod_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lint --fix`` makes a key file 0600 with os.chmod, whose PermissionError (a file
    of another user, ``chattr +i``, a read-only mount: this round used chattr) ended the
    run in a traceback after the text fixes were written. It is a located WriteError,
    exit 2, as a refused text write is."""
    from xencfg.cli import main

    alpha, beta = _copy(tmp_path, ROOT / "examples" / "mistakes")
    key = alpha / "etc" / "ha.d" / "authkeys"
    os.chmod(key, 0o644)  # (the example's mistake: HB006)

    chmod = os.chmod

    def refuse(path: str, mode: int) -> None:
        if Path(path) != key:  # (write_atomic's own temporary files)
            return chmod(path, mode)
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", refuse)
    assert main(["lint", "--fix", str(alpha), str(beta)]) == 2
    err = capsys.readouterr().err
    assert f"xencfg: {key}: cannot change its mode: Operation not permitted" in err


# --- LS027 read xend's and libvirt's records through links out of the tree --------------------


@pytest.mark.parametrize("record", ["xend", "libvirt"])
def test_ls027_reads_no_domain_record_linked_out_of_the_tree(tmp_path: Path, record: str) -> None:
    """LS027 read the domains xend or libvirt keeps defined (var/lib/xend/domains/*/
    config.sxp, etc/libvirt/libxl/*.xml) with a plain open and glob, following links:
    an unpacked tree's absolute ``var/lib/xend/domains/1b2c -> /var/lib/xend/...`` read
    this host's records, and a domain defined on this host hid the finding for the node.
    The records are read inside the tree now (discover.in_root)."""
    from test_live_reality import NODES, build, verdicts
    from test_live_reality3 import WHERE_RUNNING, virsh_list
    from test_review5 import LIBVIRT_XML, XEND_SXP

    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path / "n", {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    host = tmp_path / "host"
    host.mkdir()
    node = roots[NODES.index("xen2")]
    if record == "xend":
        (host / "config.sxp").write_text(XEND_SXP)
        link = node / "var/lib/xend/domains/1b2c"
    else:
        (host / "test.xml").write_text(LIBVIRT_XML)
        link = node / "etc/libvirt/libxl"
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(host, link)
    got = [v for v in verdicts(roots) if v[0] == "LS027"]
    assert [v[3].split(",")[0] for v in got] == ["domU 'test' runs on xen2"]


@pytest.mark.parametrize("what", ["fifo", "empty folder"])
def test_graph_of_nothing_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    """``xencfg graph FIFO -o g.dot`` (or an empty folder, or /dev/urandom) wrote an
    empty graph and exited 0, where lint says "nothing to check in the paths given" and
    exits 2 (cli.py: exit 2 for nothing to check); graph now says so, and writes nothing."""
    from xencfg.cli import main

    given = tmp_path / "given"
    os.mkfifo(given) if what == "fifo" else given.mkdir()
    out = tmp_path / "g.dot"
    assert main(["graph", str(given), "-o", str(out)]) == 2
    assert "nothing to draw in the paths given" in capsys.readouterr().err
    assert not out.exists()


def test_lint_of_standard_input_is_bounded_as_a_file_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``xencfg lint --stdin-filename /etc/drbd.conf - < /dev/zero`` read standard input
    whole: 8.7 GB resident after a minute (this round's run), then the OOM killer. It
    reads at most MAX_FILE_SIZE bytes, the limit of a file (here lowered to 1,000)."""
    import io
    import sys

    from xencfg.cli import main
    from xencfg.syntax import source

    monkeypatch.setattr(source, "MAX_FILE_SIZE", 1000)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\0" * 5000)))
    assert main(["lint", "--stdin-filename", "/etc/drbd.conf", "-"]) == 2
    assert "/etc/drbd.conf: standard input is over the 1000-byte limit" in capsys.readouterr().err


def test_a_baseline_that_is_a_fifo_does_not_hang_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A linted tree's settings may name its baseline (``baseline = "b.json"``, below
    the settings file); the baseline was read with Path.read_text, whose open of a FIFO
    blocks: a tree that made b.json a FIFO hung every lint of it. It is read as every
    input is (read_text: regular files only, never waiting)."""
    alpha, beta = _copy(tmp_path, ROOT / "examples" / "two-node")
    (tmp_path / "t" / ".xencfg.toml").write_text('baseline = "b.json"\n')
    os.mkfifo(tmp_path / "t" / "b.json")

    def run() -> None:
        from xencfg.cli import main

        assert main(["lint", str(alpha), str(beta)]) == 2

    assert in_child(run, limit=LIMIT) is None
