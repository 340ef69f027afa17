"""The syntax core, the API and atomic writes, independent of any one format."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import xencfg
from xencfg.errors import WriteError, caret_snippet
from xencfg.syntax.source import LineIndex, decode, encode
from xencfg.syntax.tree import split_gap
from xencfg.writer import write_atomic

MP = "defaults {\n\tpolling_interval 5\n}\n"


def test_import_builds_no_parser_and_imports_no_heavy_modules() -> None:
    code = (
        "import sys, xencfg; xencfg.__version__; "
        "print(sorted(m for m in ('lark', 'lxml', 'attrs') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_decode_encode_invert_any_bytes() -> None:
    raw = bytes(range(256)) + b"\r\n\xef\xbb\xbf"
    assert encode(decode(raw)) == raw


def test_line_index() -> None:
    idx = LineIndex("ab\ncd\n\nef")
    assert idx.position(0) == (1, 1)
    assert idx.position(4) == (2, 2)
    assert idx.position(7) == (4, 1)
    assert idx.offset(4, 2) == 8


def test_split_gap_ownership() -> None:
    assert split_gap("  # c\n\n  ") == ("  # c\n", "\n  ")
    assert split_gap("  ") == ("  ", "")


def test_caret_snippet_cuts_long_lines() -> None:
    text = "x" * 100_000 + "\n"
    snip = caret_snippet(text, 1, 50_000)
    assert len(snip.splitlines()[0]) < 200
    assert snip.splitlines()[1].strip() == "^"


def test_parse_error_fields_and_str() -> None:
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads("defaults {\n}\n{\n", "multipath", path="/etc/multipath.conf")
    e = info.value
    assert isinstance(e, xencfg.XencfgError)
    assert (e.path, e.line, e.column) == ("/etc/multipath.conf", 3, 1)
    assert str(e).startswith("/etc/multipath.conf:3:1: expected")


def test_unknown_format_is_an_xencfg_error() -> None:
    with pytest.raises(xencfg.UnknownFormatError):
        xencfg.loads("x", "no-such-format")


def test_load_keeps_mode_and_dump_preserves_it(tmp_path: Path) -> None:
    f = tmp_path / "multipath.conf"
    f.write_text(MP)
    f.chmod(0o600)
    doc = xencfg.load(f)
    assert doc.mode == 0o600
    doc.section("defaults").set("polling_interval", "10")  # type: ignore[attr-defined]
    xencfg.dump(doc)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert f.read_text() == MP.replace("5", "10")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_dump_keeps_owner_and_group(tmp_path: Path) -> None:
    """/etc/ha.d/authkeys owned by hacluster:haclient stays so after an edit as root."""
    f = tmp_path / "authkeys"
    f.write_text("auth 1\n1 sha1 old\n")
    f.chmod(0o600)
    os.chown(f, 4321, 8765)
    doc = xencfg.load(f)
    doc.set_key(1, "sha1", "new")  # type: ignore[attr-defined]
    xencfg.dump(doc)
    st = f.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 8765, 0o600)
    assert f.read_text() == "auth 1\n1 sha1 new\n"


def test_dump_refuses_when_file_changed_on_disk(tmp_path: Path) -> None:
    f = tmp_path / "multipath.conf"
    f.write_text(MP)
    doc = xencfg.load(f)
    f.write_text(MP + "# someone else\n")
    doc.section("defaults").set("polling_interval", "10")  # type: ignore[attr-defined]
    with pytest.raises(WriteError):
        xencfg.dump(doc)
    assert f.read_text().endswith("# someone else\n")


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_failed_write_leaves_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    f = tmp_path / "authkeys"
    f.write_bytes(b"auth 1\n1 sha1 secret\n")
    f.chmod(0o600)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fd: int, mode: str) -> None:
                self.fh = real_fdopen(fd, mode)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.fh.close()

            write = boom

        monkeypatch.setattr(os, "fdopen", Full)
    elif failing == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WriteError):
        write_atomic(str(f), b"garbage")
    assert f.read_bytes() == b"auth 1\n1 sha1 secret\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["authkeys"]


def test_detect_by_path_and_content(tmp_path: Path) -> None:
    assert xencfg.detect("/etc/multipath.conf") == "multipath"
    odd = tmp_path / "whatever.txt"
    odd.write_text("blacklist {\n\tdevnode sda\n}\n")
    assert xencfg.detect(odd) == "multipath"
    assert xencfg.detect(tmp_path / "nothing-known.txt", "just text\n") is None


def test_formats_lists_registered_modules() -> None:
    assert "multipath" in xencfg.FORMATS
    from xencfg import formats

    for name in xencfg.FORMATS:
        mod = formats.module(name)
        assert name == mod.FORMAT
        assert callable(mod.parse)


def test_failing_tempfile_leaves_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first step of an atomic write (creating the temporary file) failing."""
    import os
    import stat
    import tempfile

    from xencfg.errors import WriteError
    from xencfg.writer import write_atomic

    f = tmp_path / "authkeys"
    f.write_bytes(b"auth 1\n1 sha1 secret\n")
    f.chmod(0o600)

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(WriteError):
        write_atomic(str(f), b"garbage")
    assert f.read_bytes() == b"auth 1\n1 sha1 secret\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["authkeys"]


def test_dump_failing_rename_keeps_document_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the public API: dump() after an edit, rename fails, nothing changes on disk."""
    import os

    f = tmp_path / "xend-config.sxp"
    f.write_text("(xend-relocation-server no)\n")
    doc = xencfg.load(f)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(xencfg.XencfgError):
        xencfg.dump(doc, f)
    assert f.read_text() == "(xend-relocation-server no)\n"
    assert os.listdir(tmp_path) == ["xend-config.sxp"]
