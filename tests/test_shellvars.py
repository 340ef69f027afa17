"""Shell variable files: quoting, O2CB typed view, round trips, never executed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from lineformats import check_mutation, file_tests, mutated
from roundtrip import read
from xencfg.formats.lines.shellvars import Assignment, ShellvarsDocument, quote, unquote

VALID = sorted((FIXTURES / "shellvars" / "valid").iterdir())
CORPUS = [
    p
    for p in shared_files("corpus", "other")
    if "o2cb.sysconfig" in p.name or "etc_sysconfig_xend" in p.name
]
SEEDS = [p for p in shared_files("seed-examples") if p.parent.name == "sysconfig"]
ALL = VALID + CORPUS + SEEDS
S002_O2CB = "seed-examples/s002-sles-hasi/host1/etc/sysconfig/o2cb"
S002_NTP = "seed-examples/s002-sles-hasi/host1/etc/sysconfig/ntp"


FILE_TESTS = file_tests(
    "shellvars",
    ALL,
    new="edited value",
    normalize=unquote,
    has_values=lambda doc: bool(doc.assignments()),
)
test_round_trip_canonical_tokens, test_one_value_edit_changes_one_line = FILE_TESTS


def test_shared_files_present() -> None:
    shared_path("corpus", "other")
    assert len(CORPUS) == 4 and len(SEEDS) == 4


def test_detected_by_name_and_content() -> None:
    assert xencfg.detect("/etc/sysconfig/o2cb", "O2CB_ENABLED=true\n") == "shellvars"
    assert xencfg.detect("/etc/default/xendomains", "# x\nA=1\nB='2'\n") == "shellvars"
    assert xencfg.detect("/etc/sysconfig/xend", "# only comments\n#A=1\n") == "shellvars"
    assert xencfg.detect("/etc/sysconfig/iptables", "*filter\n:INPUT ACCEPT [0:0]\n") is None


def test_o2cb_typed_view_full_fixture() -> None:
    doc = xencfg.load(FIXTURES / "shellvars" / "valid" / "o2cb-full", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    o = doc.o2cb
    assert o.enabled is True and o.stack == "o2cb" and o.bootcluster == "ocfs2"
    assert o.heartbeat_threshold == 31  # from '31': quotes removed, typed int
    assert (o.idle_timeout_ms, o.keepalive_delay_ms, o.reconnect_delay_ms) == (30000, 2000, 2000)
    assert o.heartbeat_mode == "local"
    assert doc.assignment("O2CB_HEARTBEAT_MODE").export  # type: ignore[union-attr]
    assert list(doc.keyword_problems()) == []


def test_s002_o2cb_seed() -> None:
    doc = xencfg.load(shared_path(*S002_O2CB.split("/")), "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    o = doc.o2cb
    assert o.enabled is None and o.bootcluster is None  # the seed lost them (-snip-)
    assert o.heartbeat_threshold == 50 and o.heartbeat_mode == "user"
    assert doc.to_dict()["o2cb"]["O2CB_IDLE_TIMEOUT_MS"] == 30000


def test_s002_ntp_seed() -> None:
    doc = xencfg.load(shared_path(*S002_NTP.split("/")), "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    assert doc.get("NTPD_OPTIONS") == "-u ntp -L -I eth0 -4"
    assert doc.get("NTPD_CHROOT_FILES") == ""
    assert doc.vars["NTPD_START"] == "yes"


def test_quoting_fixture_values() -> None:
    doc = xencfg.load(FIXTURES / "shellvars" / "valid" / "default-quoting", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    assert doc.vars == {
        "DAEMON_OPTS": "-v --pid=$PIDFILE",
        "MESSAGE": 'it\'s "quoted"',
        "ESCAPED": "a b",
        "EMPTY": "",
        "MULTI": "first line\nsecond line",
        "HASH": "value#not-a-comment",
    }
    assert doc.assignment("DAEMON_OPTS").expands  # type: ignore[union-attr]
    assert not doc.assignment("MESSAGE").expands  # type: ignore[union-attr]
    assert [" ".join([c.key, *c.values]) for c in doc.commands] == [
        ". /etc/default/common",
        "unset OLD_VAR",
    ]


def test_misspelt_o2cb_name_is_marked() -> None:
    doc = xencfg.loads("O2CB_ENABELED=true\nO2CB_BOOTCLUSTER=ocfs2\n", "shellvars")
    assert [(n.name, k, s) for n, k, s in doc.keyword_problems()] == [  # type: ignore[attr-defined]
        ("O2CB_ENABELED", "unknown", "O2CB_ENABLED")
    ]


def test_o2cb_value_problems() -> None:
    doc = xencfg.loads(
        "O2CB_ENABLED=maybe\nO2CB_HEARTBEAT_THRESHOLD=lots\nO2CB_STACK=o2cb\n", "shellvars"
    )
    assert [(doc.position(n)[0], m) for n, m in doc.value_problems()] == [  # type: ignore[attr-defined]
        (1, "O2CB_ENABLED='maybe' is not true or false"),
        (2, "O2CB_HEARTBEAT_THRESHOLD='lots' is not a number"),
    ]


def test_formats_are_registered() -> None:
    assert {"hacf", "authkeys", "logd", "shellvars", "modules"} <= set(xencfg.FORMATS)


def test_edits_keep_quote_style_and_comment() -> None:
    doc = xencfg.load(FIXTURES / "shellvars" / "valid" / "o2cb-full", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    doc.o2cb.heartbeat_threshold = 61
    doc.set("O2CB_BOOTCLUSTER", "xen cluster")
    doc.set("O2CB_IDLE_TIMEOUT_MS", "60000")
    doc.o2cb.enabled = False
    text = xencfg.dumps(doc)
    assert "O2CB_HEARTBEAT_THRESHOLD='61'\n" in text
    assert 'O2CB_BOOTCLUSTER="xen cluster"\n' in text
    assert "O2CB_IDLE_TIMEOUT_MS=60000   # thirty seconds\n" in text
    assert "O2CB_ENABLED=false\n" in text
    assert len(text.splitlines()) == len(
        read(FIXTURES / "shellvars" / "valid" / "o2cb-full").splitlines()
    )


def test_new_variable_and_from_scratch() -> None:
    doc = ShellvarsDocument()
    doc.o2cb.enabled = True
    doc.o2cb.bootcluster = "ocfs2"
    doc.set("NTPD_OPTIONS", "-u ntp -g")
    doc.set("MSG", 'say "hi" for $5 `now`')
    doc.children.append(Assignment("PATHX", "/opt/x", export=True))
    text = xencfg.dumps(doc)
    assert text == (
        'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\nNTPD_OPTIONS="-u ntp -g"\n'
        'MSG="say \\"hi\\" for $5 \\`now\\`"\nexport PATHX=/opt/x\n'
    )
    again = xencfg.loads(text, "shellvars")
    assert again == doc


@pytest.mark.parametrize(
    ("name", "line", "col", "words"),
    [
        ("unterminated-quote", 1, 3, 'unterminated " quote'),
        ("unquoted-blanks", 2, 17, "quote a value that has blanks"),
    ],
)
def test_invalid_fixtures_give_located_errors(name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / "shellvars" / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "shellvars")
    assert (info.value.line, info.value.column) == (line, col)
    assert words in info.value.message
    assert info.value.path == str(path)


def test_nothing_is_ever_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        f'A="$(touch {marker})"\nB=`touch {marker}`\ntouch {marker}\n'
        f". /dev/null; touch {marker}\nC=$(touch {marker})\n"
    )
    doc = xencfg.loads(text, "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    doc.to_dict()
    xencfg.dumps(doc)
    assert not marker.exists()
    assert doc.get("C") == f"$(touch {marker})"
    assert doc.assignment("B").expands  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("plain", "plain"),
        ("'a b'", "a b"),
        ('"a \\"b\\" \\$c \\\\ \\x"', 'a "b" $c \\ \\x'),
        ("a\\ b", "a b"),
        ("'x'\"y\"z", "xyz"),
        ("", ""),
    ],
)
def test_unquote(raw: str, value: str) -> None:
    assert unquote(raw) == value


# -- properties -------------------------------------------------------------

_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
_value = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc"], blacklist_characters="\x85\u2028\u2029"
    )
    | st.sampled_from("\n\t$`\"'\\#;"),
    max_size=16,
)


@given(st.lists(st.tuples(_name, _value, st.booleans()), max_size=8))
def test_generated_models_render_and_reparse_equal(items: list[tuple[str, str, bool]]) -> None:
    doc = ShellvarsDocument([Assignment(n, v, e) for n, v, e in items])
    text = xencfg.dumps(doc)
    again = xencfg.loads(text, "shellvars")
    assert again == doc


@given(_value, _value)
def test_edit_of_any_value_reparses(first: str, second: str) -> None:
    doc = xencfg.loads("# c\nA='x' # keep\nB=2\n", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    doc.set("A", first)
    doc.set("B", second)
    again = xencfg.loads(xencfg.dumps(doc), "shellvars")
    assert again.get("A") == first and again.get("B") == second  # type: ignore[attr-defined]
    assert xencfg.dumps(doc).startswith("# c\nA=")


def test_quote_keeps_old_style() -> None:
    assert quote("x y", "'a'") == "'x y'"
    assert quote("it's", "'a'") == '"it\'s"'
    assert quote("plain", '"a"') == '"plain"'
    assert quote("plain") == "plain"


MUTATE = VALID + CORPUS[:2] + SEEDS[:2]


@pytest.mark.parametrize("path", MUTATE, ids=ids(MUTATE))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    check_mutation(mutated(data, read(path), "\"'\\`$()#=\n \t\r\x00A"), "shellvars")


# -- bash as the oracle for quoting (only our own rendered/validated assignments run) --


def _bash_values(script: str, names: list[str]) -> list[str]:
    import shutil
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    show = "".join(f'printf "%s\\0" "${{{n}}}"\n' for n in names)
    proc = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script + "\n" + show],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=30,
        check=True,
    )
    return proc.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


_literal = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc"], blacklist_characters="$`\x85\u2028\u2029"
    )
    | st.sampled_from("\n\t\"'\\#; !*?[]{}~&|<>()"),
    max_size=20,
)


@given(st.lists(_literal, min_size=1, max_size=10))
def test_rendered_values_mean_the_same_to_bash(values: list[str]) -> None:
    doc = ShellvarsDocument([Assignment(f"V{i}", v) for i, v in enumerate(values)])
    assert _bash_values(xencfg.dumps(doc), [f"V{i}" for i in range(len(values))]) == values


def test_fixture_values_mean_the_same_to_bash() -> None:
    doc = xencfg.load(FIXTURES / "shellvars" / "valid" / "default-quoting", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    plain = [a for a in doc.assignments() if not a.expands]
    script = "\n".join(f"{a.name}={a.raw}" for a in plain)
    assert _bash_values(script, [a.name for a in plain]) == [a.value for a in plain]
    assert len(plain) == 5


@pytest.mark.parametrize(
    ("value", "enabled"), [("true", True), ("TRUE", False), ("yes", False), ("1", False)]
)
def test_o2cb_enabled_is_what_the_init_script_starts_on(value: str, enabled: bool) -> None:
    """ocfs2-tools' o2cb.init starts the cluster only for exactly ``true`` (``if [
    "$O2CB_ENABLED" != "true" ]; then ... exit``), which lint already says (spell28,
    tests/test_spelling28.py); the typed property read ``TRUE``/``yes``/``1`` as enabled."""
    doc = xencfg.loads(f"O2CB_ENABLED={value}\n", "shellvars")
    assert isinstance(doc, ShellvarsDocument)
    assert doc.o2cb.enabled is enabled
