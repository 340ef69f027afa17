"""Hostile trees and inputs (issue 22): each item's smallest reproducer, asserting the
clear error or the right result. Time bounds live in bench/ (the pathological series)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from xencfg import lint
from xencfg.errors import WriteError, XencfgError
from xencfg.formats import drbd
from xencfg.syntax.source import OutsideRoot, read_text, resolve_in_root
from xencfg.writer import write_atomic

SECRET_LINE = "root:$6$saltsalt$SECRETHASHVALUE:20228:0:99999:7:::\n"


def _node(tmp: Path, name: str = "n1") -> Path:
    etc = tmp / name / "etc"
    etc.mkdir(parents=True)
    return tmp / name


# --- 1. symlinks leaving the node root -----------------------------------------------


def test_lint_never_reads_a_link_that_leaves_the_node_root(tmp_path: Path) -> None:
    host = tmp_path / "host-shadow"
    host.write_text(SECRET_LINE)
    node = _node(tmp_path)
    # relative link climbing out of the tree: refused and reported (XC002), never quoted
    os.symlink(os.path.relpath(host, node / "etc"), node / "etc" / "hosts")
    result = lint.run([str(node)])
    text = json.dumps([f.to_dict() if hasattr(f, "to_dict") else str(f) for f in result.findings])
    assert "SECRETHASH" not in text
    refused = [f for f in result.findings if f.code == "XC002"]
    assert refused and "node root" in refused[0].message


def test_absolute_link_in_a_mounted_image_means_the_nodes_own_file(tmp_path: Path) -> None:
    node = _node(tmp_path)
    (node / "etc" / "hosts.node").write_text("10.0.0.1 alpha\n")
    os.symlink("/etc/hosts.node", node / "etc" / "hosts")  # as a chroot at node/ sees it
    result = lint.run([str(node)])
    read = [item.doc.path for item in result.cluster.loaded]
    assert read == [str(node / "etc" / "hosts.node")]
    assert not [f for f in result.findings if f.code == "XC002"]


def test_link_to_proc_kmsg_does_not_hang(tmp_path: Path) -> None:
    node = _node(tmp_path)
    os.symlink("/proc/kmsg", node / "etc" / "hosts")  # the node's /proc/kmsg: absent
    result = lint.run([str(node)])
    assert not result.cluster.loaded


def test_resolve_in_root_refuses_climbing_out_and_loops(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    os.symlink("../../x", tmp_path / "etc" / "up")
    os.symlink("/etc/loop", tmp_path / "etc" / "loop")
    with pytest.raises(OutsideRoot, match="above the node root"):
        resolve_in_root(tmp_path, "etc/up")
    with pytest.raises(OutsideRoot, match="too many levels"):
        resolve_in_root(tmp_path, "etc/loop")
    # an etckeeper tree stands for /etc: /etc/x is inside, /root/x is not
    os.symlink("/root/key", tmp_path / "etc" / "key")
    with pytest.raises(OutsideRoot, match="outside the node tree"):
        resolve_in_root(tmp_path / "etc", "key", slash="/etc")


def test_read_text_does_not_block_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # what a file swapped between stat and open would be
    with pytest.raises(XencfgError, match="not a regular file"):
        read_text(fifo)
    os.symlink(fifo, tmp_path / "link")
    with pytest.raises(XencfgError, match="symlink"):
        read_text(tmp_path / "link", follow=False)


def test_read_text_head_reads_the_start_of_a_large_file_only(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"#==[ Command ]====#\n" + b"x" * 10000)
    with pytest.raises(XencfgError, match="limit"):
        read_text(big, limit=4096)
    assert len(read_text(big, limit=4096, head=True)) == 4096
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # a sniffed head is still refused from a FIFO, never waited for
    with pytest.raises(XencfgError, match="not a regular file"):
        read_text(fifo, limit=4096, head=True)


def test_drbd_include_stays_inside_the_root(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET_LINE)
    root = tmp_path / "node"
    (root / "etc").mkdir(parents=True)
    conf = root / "etc" / "drbd.conf"
    conf.write_text(f'include "{secret}";\n')
    cfg = drbd.load_config(conf, root=root)  # the node has no such file
    assert [d.path for d in cfg.documents] == [str(conf)]
    assert cfg.missing == [str(secret)]


def test_drbd_include_glob_is_bounded(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"d{i}").mkdir()
    conf = tmp_path / "drbd.conf"
    conf.write_text(f'include "{tmp_path}/*/*";\n')
    with pytest.raises(XencfgError, match="more than"):
        drbd.resolve_include(f"{tmp_path}/*/*", str(tmp_path), limit=20)


def test_drbd_include_chain_depth_is_bounded(tmp_path: Path) -> None:
    for i in range(900):
        (tmp_path / f"{i}.conf").write_text(f'include "{i + 1}.conf";\n')
    (tmp_path / "900.conf").write_text("")
    with pytest.raises(XencfgError, match="nested more than"):
        drbd.load_config(tmp_path / "0.conf")


# --- 2. writes never follow planted links ---------------------------------------------


def test_write_refuses_a_link_owned_by_another_user(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to plant a link owned by another user")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link = tmp_path / "out.dot"
    os.symlink(victim, link)
    os.lchown(link, 65534, 65534)
    with pytest.raises(WriteError, match="not by you or root"):
        write_atomic(str(link), b"graph\n")
    assert victim.read_text() == "precious\n"


def test_write_refuses_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "out"
    os.symlink(tmp_path / "created-elsewhere", link)
    with pytest.raises(WriteError, match="dangling"):
        write_atomic(str(link), b"x\n")
    assert not (tmp_path / "created-elsewhere").exists()


def test_write_follows_the_admins_own_link(tmp_path: Path) -> None:
    (tmp_path / "ha.d").mkdir()
    target = tmp_path / "ha.d" / "ha_logd.cf"
    target.write_text("old\n")
    os.symlink("ha.d/ha_logd.cf", tmp_path / "logd.cf")
    write_atomic(str(tmp_path / "logd.cf"), b"new\n")
    assert target.read_text() == "new\n"
    assert (tmp_path / "logd.cf").is_symlink()


def test_cli_graph_output_refuses_a_planted_link(tmp_path: Path) -> None:
    from xencfg.cli import main

    if os.geteuid() != 0:
        pytest.skip("needs root to plant a link owned by another user")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link = tmp_path / "g.dot"
    os.symlink(victim, link)
    os.lchown(link, 65534, 65534)
    examples = Path(__file__).resolve().parent.parent / "examples" / "two-node"
    rc = main(["graph", str(examples / "alpha"), "-o", str(link)])
    assert rc == 2
    assert victim.read_text() == "precious\n"


# --- 4. lost updates -------------------------------------------------------------------


def _racer(path: str, text: str, mine: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        write_atomic(path, mine.encode(), expect=text)
        results.put("ok")  # type: ignore[attr-defined]
    except WriteError:
        results.put("refused")  # type: ignore[attr-defined]


def test_two_writers_of_one_file_never_both_succeed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    path = tmp_path / "f"
    for trial in range(10):
        path.write_text(f"base {trial}\n")
        text = path.read_text()
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [
            ctx.Process(target=_racer, args=(str(path), text, f"edit {w}\n", barrier, results))
            for w in (1, 2)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        outcome = sorted(results.get(timeout=5) for _ in procs)
        assert outcome == ["ok", "refused"], trial


# --- 13. write_atomic keeps what the file had -----------------------------------------


def test_write_keeps_setuid(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("a\n")
    os.chmod(path, 0o4755)
    write_atomic(str(path), b"b\n", expect="a\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o4755


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(str(tmp_path / "new"), b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o640


def _edit_as_nobody(path: str) -> None:
    os.setgroups([65534])
    os.setgid(65534)
    os.setuid(65534)
    write_atomic(path, b"edited\n", expect="shared\n")


def test_non_root_editor_of_a_group_writable_file_does_not_take_it() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to act as two users")
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="xencfg-shared-", dir="/tmp"))
    os.chmod(folder, 0o777)  # tmp_path's parents are root's alone
    try:
        _edit_shared_file(folder)
    finally:
        shutil.rmtree(folder)


def _edit_shared_file(folder: Path) -> None:
    path = folder / "f"
    path.write_text("shared\n")
    os.chown(path, 0, 65534)
    os.chmod(path, 0o664)
    p = multiprocessing.get_context("fork").Process(target=_edit_as_nobody, args=(str(path),))
    p.start()
    p.join(30)
    assert p.exitcode == 0
    st = os.stat(path)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 65534, 0o664)
    assert path.read_text() == "edited\n"


def test_dump_through_the_api_refuses_a_dangling_link(tmp_path: Path) -> None:
    doc = xencfg.loads("10.0.0.1 alpha\n", "hosts")
    os.symlink(tmp_path / "nowhere", tmp_path / "hosts")
    with pytest.raises(WriteError, match="dangling"):
        xencfg.dump(doc, tmp_path / "hosts")


# --- 3. user-supplied regexes run on a linear-time automaton ---------------------------

_PATTERN_PARTS = ["a", "b", ".", "[ab]", "[^a]", "(", ")", "|", "*", "+", "?", "^", "$", "{1,2}"]


@given(
    st.lists(st.sampled_from(_PATTERN_PARTS), max_size=8).map("".join),
    st.text(alphabet="abc", max_size=8),
)
def test_match_prefix_agrees_with_re(pattern: str, text: str) -> None:
    """The automaton answers as ``re`` does, except for Python 3.11's possessive
    quantifiers (``a*+``): no user of it wants them. The patterns are POSIX EREs
    (rsc-pattern, blacklists), where ``a*+`` is ``(a*)+`` and that is what the automaton
    runs, or xend's, whose Python 2 ``re`` refused ``a*+`` ("multiple repeat")."""
    import re

    from xencfg.regex import match_prefix

    if re.search(r"(\*|\+|\?|\})\+", pattern):
        return
    try:
        expected = re.match(pattern, text) is not None
    except re.error:
        assert match_prefix(pattern, text) is None
        return
    assert match_prefix(pattern, text) == expected, (pattern, text)


def test_catastrophic_patterns_are_named() -> None:
    from xencfg.regex import catastrophic, match_prefix

    assert catastrophic("^(a+)+$") and catastrophic("(a*)*b")
    assert not catastrophic("^node[0-9]+$") and not catastrophic("^(alpha|beta)(-hb)?$")
    assert match_prefix("^(a+)+$", "a" * 5000 + "!") is False  # linear: no hang


# --- 6. the grammar cache hits and stays bounded --------------------------------------


def test_grammar_cache_files_do_not_grow_across_lint_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    # a carriage return inside a line makes OCFS2's fast path decline: the grammar parses
    node = _node(tmp_path)
    (node / "etc" / "ocfs2").mkdir()
    (node / "etc" / "ocfs2" / "cluster.conf").write_text("cluster:\n\tname = a\r x\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    counts = []
    for _ in range(3):
        subprocess.run([sys.executable, "-m", "xencfg", "lint", str(node)], env=env, check=False)
        counts.append(len(list((tmp_path / "cache" / "xencfg").iterdir())))
    assert counts[0] > 0 and counts == [counts[0]] * 3


def test_parsers_with_a_transformer_are_not_kept_in_memory() -> None:
    from xencfg.syntax import grammar

    before = grammar._plain_parser.cache_info().currsize
    for _ in range(3):
        with contextlib.suppress(XencfgError):
            xencfg.loads("cluster:\n\tname = a\r x\n", "ocfs2")
    assert grammar._plain_parser.cache_info().currsize == before


def test_grammar_cache_is_pruned(tmp_path: Path) -> None:
    from xencfg.syntax.grammar import _prune

    for i in range(10):
        f = tmp_path / f"g-{i}.lark-cache"
        f.write_text("x")
        os.utime(f, (i, i))
    _prune(tmp_path, keep=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"g-{i}.lark-cache" for i in (6, 7, 8, 9)]


# --- 7. one non-UTF-8 byte crashes no rule and no output --------------------------------


@pytest.fixture
def latin1_tree(tmp_path: Path) -> Path:
    node = _node(tmp_path)
    (node / "etc" / "xen").mkdir()
    (node / "etc" / "xen" / "vm1").write_bytes(
        b"# caf\xe9 \xff\nname = 'vm\xe9'\nmemory = 256\ndisk = ['phy:/dev/sda,xvda,w']\n"
    )
    (node / "etc" / "iscsi").mkdir()
    (node / "etc" / "iscsi" / "initiatorname.iscsi").write_bytes(
        b"InitiatorName=iqn.2001-04.com.example:\xe9\n"
    )
    (node / "etc" / "ietd.conf").write_bytes(
        b"Target iqn.2001-04.com.example:t\xe9\n\tLun 0 Path=/dev/sdb,Type=fileio\n"
    )
    (node / "etc" / "ha.d").mkdir()
    (node / "etc" / "ha.d" / "ha.cf").write_bytes(b"node n1\nbcast eth0\nkeepaliv\xe9 2\n")
    return node


def test_latin1_bytes_crash_no_rule(latin1_tree: Path) -> None:
    result = lint.run([str(latin1_tree)])  # XENCFG_DEBUG is set: a rule crash raises
    assert not [f for f in result.findings if f.code == "XC006"]
    assert len(result.cluster.loaded) == 4


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_machine_outputs_escape_undecodable_bytes(
    latin1_tree: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    main(["lint", "--output-format", fmt, str(latin1_tree)])
    out = capsys.readouterr().out
    out.encode("utf-8")  # valid UTF-8: no lone surrogate
    if fmt != "github":
        json.loads(out)
    assert "\\xE9" in out


def test_parse_json_of_a_latin1_keyword_is_strict_json(
    latin1_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    assert main(["parse", str(latin1_tree / "etc" / "ha.d" / "ha.cf")]) == 0
    out = capsys.readouterr().out
    assert "\\udce9" not in out and "keepaliv\\\\xE9" in out
    json.loads(out)


def test_graph_of_a_latin1_label_is_valid_dot(
    latin1_tree: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from xencfg.cli import main

    assert main(["graph", str(latin1_tree)]) == 0
    out = capsysbinary.readouterr().out
    out.decode("utf-8")
    assert b"vm\\\\xE9" in out or b"vm\\xE9" in out


# --- 9. GitHub annotations: a file name cannot inject a workflow command ------------------


def test_github_output_escapes_property_values() -> None:
    from xencfg.findings import Finding, Location
    from xencfg.lint.report import as_github

    evil = "a,line=9::x\n::error file=pwned::injected:%"
    out = as_github([Finding("XC001", "error", "msg", Location(evil, 1, 1))])
    assert out.count("\n") == 1 and out.startswith("::error file=a%2Cline=9%3A%3Ax%0A")
    assert "%3A%3Aerror file=pwned%3A%3Ainjected%3A%25," in out


# --- 8. clear errors, never tracebacks ---------------------------------------------------


def test_xm_huge_integer_and_unhashable_key_are_not_literals() -> None:
    doc = xencfg.loads("name = 'a'\nmemory = 0x" + "f" * 5000 + "\n", "xm")
    json.dumps(doc.to_dict())  # Python refuses str() of ints over 4,300 digits
    doc = xencfg.loads("name = 'a'\nx = {[1]: 2}\ny = {[1]}\n", "xm")
    json.dumps(doc.to_dict())


def test_xl_huge_number_and_escape_stay_text() -> None:
    doc = xencfg.loads('name = "\\xffffffffffff"\nmemory = 0x' + "f" * 5000 + "\n", "xl")
    json.dumps(doc.to_dict())


def _tree_with(tmp: Path, rel: str, text: str) -> Path:
    node = _node(tmp)
    (node / rel).parent.mkdir(parents=True, exist_ok=True)
    (node / rel).write_text(text)
    return node


def test_drbd_host_without_a_name_crashes_no_rule(tmp_path: Path) -> None:
    node = _tree_with(tmp_path, "etc/drbd.conf", "resource r { on {name {")
    result = lint.run([str(node)])  # XENCFG_DEBUG: DR001 raised KeyError('')
    assert "XC001" in {f.code for f in result.findings}


def test_graph_of_a_primitive_without_id(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from xencfg.cli import main

    node = _tree_with(
        tmp_path,
        "var/lib/heartbeat/crm/cib.xml",
        '<cib><configuration><crm_config/><nodes/><resources><primitive class="ocf"'
        ' provider="heartbeat" type="IPaddr"/></resources><constraints/></configuration>'
        "<status/></cib>\n",
    )
    assert main(["graph", str(node)]) == 0


def test_mp001_on_a_regex_nested_3000_deep(tmp_path: Path) -> None:
    deep = "(" * 3000 + "a" + ")" * 3000
    node = _tree_with(tmp_path, "etc/multipath.conf", f'blacklist {{\n devnode "{deep}"\n}}\n')
    result = lint.run([str(node)])
    assert not [f for f in result.findings if f.code in ("XC006", "MP001")]


@pytest.mark.parametrize(
    "setting, message",
    [
        ('ignore = "XC004"', "setting 'ignore': wants a list"),
        ('strict = "yes"', "setting 'strict': wants true or false"),
        ('output-format = "xml"', "setting 'output-format': wants one of"),
        ("select = [3]", "setting 'select': wants a list"),
    ],
)
def test_wrongly_typed_settings_are_clear_errors(
    tmp_path: Path,
    setting: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from xencfg.cli import main

    (tmp_path / ".xencfg.toml").write_text(setting + "\n")
    (tmp_path / "n" / "etc").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "n"]) == 2
    assert message in capsys.readouterr().err


# --- 11. a DOCTYPE hidden behind a comment; cib convert runs the check --------------------

_HIDDEN_DOCTYPE = (
    '<!-- <!DOCTYPE x> --><!DOCTYPE cib [<!ENTITY e "INJECTED">]><cib><configuration>'
    '<crm_config/><nodes/><resources><primitive id="p" class="ocf" provider="heartbeat"'
    ' type="IPaddr" description="&e;"/></resources><constraints/></configuration>'
    "<status/></cib>\n"
)


def test_doctype_behind_a_comment_is_still_checked() -> None:
    with pytest.raises(XencfgError, match="declares entities"):
        xencfg.loads(_HIDDEN_DOCTYPE, "cib")


def test_cib_convert_refuses_entities_too() -> None:
    from xencfg.formats.cib import convert

    with pytest.raises(XencfgError, match="declares entities"):
        convert.convert(_HIDDEN_DOCTYPE)


def test_a_commented_doctype_alone_is_no_doctype() -> None:
    doc = xencfg.loads(
        "<!-- <!DOCTYPE x [<!ENTITY a 'b'>]> --><cib><configuration/></cib>\n", "cib"
    )
    assert doc is not None


# --- 12. cib convert -o with a closed report pipe still writes OUT ------------------------


def test_cib_convert_writes_out_before_a_broken_report_pipe(tmp_path: Path) -> None:
    import subprocess
    import sys

    cib = tmp_path / "cib.xml"
    cib.write_text(
        '<cib><configuration><crm_config/><nodes/><resources><primitive id="p:1" class="ocf"'
        ' provider="heartbeat" type="IPaddr"/></resources><constraints/></configuration>'
        "<status/></cib>\n"
    )
    out = tmp_path / "new.xml"
    # `xencfg cib convert -o OUT 2>&1 | true`: the reader is gone before the report
    r, w = os.pipe()
    os.close(r)
    proc = subprocess.run(
        [sys.executable, "-m", "xencfg", "cib", "convert", str(cib), "-o", str(out)],
        stdout=w,
        stderr=w,
        check=False,
    )
    os.close(w)
    assert out.exists(), proc.returncode


# --- 14. lint --as FMT FILE does not call the file unrecognised ---------------------------


def test_lint_as_format_is_not_unrecognised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    f = tmp_path / "notes.txt"
    f.write_text("garbage here\n")
    rc = main(["lint", "--as", "hosts", str(f)])
    err = capsys.readouterr().err
    assert "not recognised" not in err and rc == 1


# --- 5. secrets never printed without --show-secrets ---------------------------------------

MARK = "Zq9SecretMark"


@pytest.mark.parametrize(
    "fmt, text",
    [
        ("iscsid", f"node.session.auth.password {MARK}\n"),  # no '=': a parse error
        ("xl", f'name = "a"\nvncpasswd {MARK}\n'),
        ("authkeys", f"auth 1\n1 sha1\n{MARK}\n"),  # the key broken off its line
        ("authkeys", f"auth 1\n{MARK}\n"),
    ],
)
def test_parse_errors_do_not_quote_a_secret(fmt: str, text: str) -> None:
    with pytest.raises(XencfgError) as info:
        xencfg.loads(text, fmt)
    assert MARK not in str(info.value)


@pytest.mark.parametrize(
    "fmt, text",
    [
        ("drbd", f"resource r {{ net {{ shared-secret {MARK}; }} }}\n"),
        ("drbd", f'common {{ net {{ shared-secret "{MARK}"; }} }}\n'),
        ("hacf", f"node a\nbcast eth0\nstonith_host * baytech 10.0.0.3 admin {MARK}\n"),
        # plugins migrate makes stonith resources of (cluster-glue's parameter order)
        ("hacf", f"node a\nstonith_host * ipmilan a 10.0.0.3 623 md5 admin root {MARK} reset\n"),
        ("hacf", f"node a\nstonith_host * external/nut a ups root {MARK} on off\n"),
        ("hacf", f"node a\nstonith_host * wti_mpc 10.0.0.3 161 {MARK} 3\n"),
        ("hacf", f"node a\nstonith_host * external/ippower9258 10.0.0.3 admin {MARK} a\n"),
        # the last parameter takes the rest of the values
        ("hacf", f"node a\nstonith_host * wti_nps 10.0.0.3 pass {MARK}\n"),
        # a plugin cluster-glue has not: every value but addresses and node names
        ("hacf", f"node a\nnode xen2\nstonith_host a riloe xen2 10.0.0.7 {MARK} 1\n"),
        ("authkeys", f"auth 1\n1 sha1 {MARK}\n"),
        ("xm", f"name = 'a'\nvncpasswd = b'{MARK}'\n"),
        ("ietd", f"Target iqn.2001-04.com.example:t\n\tIncomingUser joe {MARK}\n"),
        ("iscsid", f"node.session.auth.password = {MARK}\n"),
        ("xl", f'name = "a"\nvncpasswd = "{MARK}"\n'),
        ("xend", f"(vncpasswd '{MARK}')\n"),
    ],
)
def test_secrets_are_declared_and_repr_masks_them(fmt: str, text: str) -> None:
    doc = xencfg.loads(text, fmt)
    assert MARK in doc.secrets()
    assert MARK not in repr(doc)
    assert MARK not in json.dumps(doc.to_dict(), default=str)
    assert MARK in json.dumps(doc.to_dict(show_secrets=True), default=str)


@pytest.mark.parametrize(
    "line",
    [
        f"<nvpair id=\"x\" value='{MARK}' name='passwd'/>",  # single quotes, value first
        f'<nvpair name="passwd" value = "{MARK}"/>',  # spaces around '='
        f'<nvpair value="{MARK}" id="y" name="stonith-password"/>',
    ],
)
def test_mask_line_reads_attributes_in_any_order(line: str) -> None:
    from xencfg.secrets import mask_line

    assert MARK not in mask_line(line)


def test_a_secret_wrapped_onto_the_next_line_is_masked_after_many_blanks() -> None:
    """Found by ``fuzz/run.py 10`` (leak case iscsid#9771): a password key whose line
    ends in 1,800 blanks, its value on the next line. The look-back at the previous line
    is bounded (linear time), and the blanks used to push the keyword out of it."""
    text = "discovery.sendtargets.auth.password_in =" + " " * 1800 + "\r\n   " + MARK + "\n"
    with pytest.raises(XencfgError) as info:
        xencfg.loads(text, "iscsid")
    assert MARK not in str(info.value)


def test_a_secret_after_undecodable_bytes_is_masked_in_the_message() -> None:
    """Found by ``fuzz/run.py 20`` (leak case xl#15975): an unclosed vncpasswd string that
    starts with undecodable bytes. The message spells the got-token with the bytes
    escaped (``\\udce9``), which the raw secret did not match."""
    text = 'name = "vm1"\nvncpasswd = "\udce9\udce9' + MARK
    with pytest.raises(XencfgError) as info:
        xencfg.loads(text, "xl")
    assert MARK not in str(info.value)


def test_cib_convert_error_snippet_is_masked() -> None:
    from xencfg.formats.cib import convert

    broken = (
        f'<cib><configuration><crm_config><nvpair id="p" name="passwd" value="{MARK}"'
        "</crm_config></configuration></cib>\n"
    )
    with pytest.raises(XencfgError) as info:
        convert.convert(broken)
    assert MARK not in str(info.value)


def test_link_into_proc_is_refused_even_where_it_exists(tmp_path: Path) -> None:
    node = _node(tmp_path)
    (node / "proc").mkdir()
    (node / "proc" / "kmsg").write_text("")  # lint / would find the host's /proc/kmsg here
    os.symlink("/proc/kmsg", node / "etc" / "hosts")
    result = lint.run([str(node)])
    assert not result.cluster.loaded
    [refused] = [f for f in result.findings if f.code == "XC002"]
    assert "kernel file" in refused.message


# --- 10. memory: a long token costs no regex state per character ---------------------------

#: A repeated group with a one-character alternative (``(?:[^"\\]|\\.)*``) makes Python's
#: regex engine keep about 120 bytes of backtracking state per character it repeats over
#: (Modules/_sre/sre_lib.h, the MAX_UNTIL opcode saves the state of every iteration):
#: a quoted string of 144 KB took 10 MB in the fuzzer (fuzz/run.py 60, a mutated
#: multipath.conf). Runs (``[^"\\]*(?:\\.[^"\\]*)*``) iterate once per escape instead.
LONG = 1_000_000
LONG_TOKENS = {
    "drbd": 'global { usage-count "' + "a" * LONG + '"; }\n',
    "lvm": 'devices {\n\tfilter = [ "a|' + "x" * LONG + '|" ]\n}\n',
    "multipath": 'blacklist {\n\tdevnode "^(ram|' + " " * LONG + 'loop)"\n}\n',
    "xend": "(xend-relocation-hosts-allow '" + "a" * LONG + "')\n",
    "xl": 'name = "vm"\nextra = "' + "a" * LONG + '"\n',
    "xm": "name = 'vm'\nextra = '\\t" + "a" * LONG + "'\n",  # (an escape: Python's lexer)
    "shellvars": "A=" + "a" * LONG + '\nB="' + "b" * LONG + '"\necho ' + "c" * LONG + "\n",
    "cman": '<?xml version="1.0"?>\n<cluster name="c" config_version="1" x="'
    + "a" * LONG
    + '">\n</cluster>\n',
}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("fmt", sorted(LONG_TOKENS))
def test_a_long_token_loads_within_the_memory_ratio(fmt: str) -> None:
    import fuzzkit

    if fuzzkit.reset_peak() is None:
        pytest.skip("no /proc/self/clear_refs to measure a peak with")
    case = lambda: fuzzkit.check_api(fmt, LONG_TOKENS[fmt], memory=True)  # noqa: E731
    assert fuzzkit.in_child(case, limit=120) is None  # type: ignore[arg-type]


def _repeats_one_character(pattern: str, flags: int) -> bool:
    """Whether ``pattern`` repeats a group one of whose alternatives is one character of
    a class (``[^"]``, ``.``): state per character, as above."""
    try:
        from re import _constants as c
        from re import _parser as p
    except ImportError:  # Python 3.10
        import sre_constants as c  # type: ignore[no-redef]
        import sre_parse as p  # type: ignore[no-redef]

    def single(body: object) -> bool:
        for op, av in body:  # type: ignore[attr-defined]
            if op is c.BRANCH:
                for alt in av[1]:
                    if alt.getwidth() == (1, 1) and alt[0][0] in (c.IN, c.NOT_LITERAL, c.ANY):
                        return True
            elif op is c.SUBPATTERN and single(av[-1]):
                return True
        return False

    def inner(op: object, av: object) -> list[object]:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            return [av[2]]  # type: ignore[index]
        if op is c.SUBPATTERN:
            return [av[-1]]  # type: ignore[index]
        if op is c.BRANCH:
            return list(av[1])  # type: ignore[index]
        if op in (c.ASSERT, c.ASSERT_NOT):
            return [av[1]]  # type: ignore[index]
        return []

    def walk(items: object) -> bool:
        for op, av in items:  # type: ignore[attr-defined]
            if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] > 1 and single(av[2]):
                return True
            if any(walk(b) for b in inner(op, av)):
                return True
        return False

    return walk(p.parse(pattern, flags))


def test_no_lexer_regex_repeats_one_character_alternatives() -> None:
    """The guard for the rest: every grammar terminal (the fast scanners use them too) and
    every module-level regex of xencfg reads a run of ordinary characters in one step."""
    import importlib
    import pkgutil
    import re

    from xencfg.syntax.terminals import TERMINALS

    found = [
        f"{g}.{n}" for g, ts in TERMINALS.items() for n, rx in ts if _repeats_one_character(rx, 0)
    ]
    for info in pkgutil.walk_packages(xencfg.__path__, "xencfg."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and _repeats_one_character(
                value.pattern, value.flags & ~re.UNICODE
            ):
                found.append(f"{info.name}.{name}")
    assert not found
    assert _repeats_one_character(r'"(?:[^"\\]|\\.)*"', 0)  # (the guard can fail)


# --- 1. (again) captures read today: sosreport, supportconfig, our state folder ----------


def _finishes(target: Callable[[str], object], arg: str, seconds: float = 20) -> bool:
    """Whether ``target(arg)`` ends in a child process within ``seconds`` (a FIFO opened
    blocking would hang the suite itself, and lint may block outside the main thread)."""
    child = multiprocessing.get_context("fork").Process(target=target, args=(arg,))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


def _lint_and_read_refusals(node: str) -> None:
    from xencfg import live

    lint.run([node])
    said = {p.name: first for p, first in live.refusals(Path(node))}
    assert said["xl_list.refused.txt"] == "xl: command not found"
    assert said["uname.refused.txt"] == said["ip_addr.refused.txt"] == "?"


def _sniff_sections(folder: str) -> None:
    from xencfg import live

    assert not live._has_sections(Path(folder) / "ha.txt")
    assert not live._has_sections(Path(folder) / "drbd.txt")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fifos_in_a_sosreport_and_our_state_folder_do_not_hang(tmp_path: Path) -> None:
    from xencfg import live

    node = tmp_path / "sosreport-n1"
    (node / "etc").mkdir(parents=True)
    kernel = node / "sos_commands" / "kernel"
    kernel.mkdir(parents=True)
    os.mkfifo(kernel / "uname_-a")  # read for the node's name: no etc/hostname here
    state = node / live.STATE_DIR
    state.mkdir(parents=True)
    os.mkfifo(state / "uname.refused.txt")
    (state / "xl_list.refused.txt").write_text("xl: command not found\n")
    os.symlink(tmp_path / "host-shadow", state / "ip_addr.refused.txt")
    (tmp_path / "host-shadow").write_text(SECRET_LINE)
    assert _finishes(_lint_and_read_refusals, str(node))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_supportconfig_file_swapped_for_a_fifo_does_not_hang(tmp_path: Path) -> None:
    from xencfg import live

    fifo = tmp_path / "ha.txt"
    os.mkfifo(fifo)  # what a file swapped between is_file() and the read would be
    os.symlink(fifo, tmp_path / "drbd.txt")
    assert _finishes(_sniff_sections, str(tmp_path))
    (tmp_path / "ha.txt").unlink()
    (tmp_path / "ha.txt").write_text("#==[ Command ]======================================#\n")
    assert live._has_sections(tmp_path / "ha.txt")


def test_a_plugin_without_a_password_masks_none_of_its_values() -> None:
    doc = xencfg.loads("node xen1\nstonith_host * external/ssh xen1 xen2\n", "hacf")
    assert doc.secrets() == []
    doc = xencfg.loads("node xen1\nstonith_host * riloe xen1 10.0.0.7 /etc/x 1\n", "hacf")
    assert doc.secrets() == []


def test_migrate_report_masks_stonith_host_passwords_of_every_plugin(tmp_path: Path) -> None:
    from xencfg.cli import main

    for n in ("xen1", "xen2"):
        hd = tmp_path / n / "etc" / "ha.d"
        hd.mkdir(parents=True)
        (tmp_path / n / "etc" / "hostname").write_text(n + "\n")
        (hd / "ha.cf").write_text(
            "keepalive 2\nbcast eth0\nnode xen1\nnode xen2\n"
            f"stonith_host * external/hmchttp xen1 10.0.0.5 admin {MARK}\n"
            f"stonith_host * my/plugin xen2 10.0.0.6 {MARK}x\n"
        )
        (hd / "haresources").write_text("xen1 IPaddr::10.0.0.9\n")
    for report in ("text", "json"):
        out = tmp_path / f"report.{report}"
        with open(out, "w") as f, contextlib.redirect_stdout(f):
            main(
                [
                    "migrate",
                    str(tmp_path / "xen1"),
                    str(tmp_path / "xen2"),
                    "--check",
                    "--report",
                    report,
                ]
            )
        assert MARK not in out.read_text()


def test_hacf_secret_table_covers_every_plugin_migrate_knows() -> None:
    """ha.cf's secret positions and migrate's cluster-glue parameter names are two tables:
    every plugin migrate makes a stonith resource of has its password masked."""
    import re

    from xencfg.formats.lines import hacf_directives
    from xencfg.migrations.haresources import STONITH_PARAMS

    for kind, names in STONITH_PARAMS.items():
        secret = [i for i, n in enumerate(names) if re.search(r"(?i)pass|community", n)]
        if secret:
            assert hacf_directives.STONITH_SECRET.get(kind) == secret[-1], kind
            last = secret[-1] == len(names) - 1
            assert (kind in hacf_directives.STONITH_SECRET_LAST) == last, kind
        else:
            assert kind in hacf_directives.STONITH_NO_SECRET, kind


def test_migrate_of_a_latin1_haresources_is_a_clear_error(tmp_path: Path) -> None:
    """A Latin-1 byte in a resource argument reached lxml, which takes no undecodable
    byte: migrate ended in a UnicodeEncodeError traceback."""
    for n in ("xen1", "xen2"):
        hd = tmp_path / n / "etc" / "ha.d"
        hd.mkdir(parents=True)
        (tmp_path / n / "etc" / "hostname").write_text(n + "\n")
        (hd / "ha.cf").write_text("keepalive 2\nbcast eth0\nnode xen1\nnode xen2\n")
        (hd / "haresources").write_bytes(b"xen1 IPaddr::10.0.0.9 Xen::v\xe9m\n")
    from xencfg.migrate import plan

    with pytest.raises(XencfgError, match=r"\\xE9, which is not UTF-8"):
        plan([str(tmp_path / "xen1"), str(tmp_path / "xen2")])
