"""review6: verdicts of the cib12 and mp5 merges checked against other releases and
spellings an administrator may have; each test names the source line behind it."""

from __future__ import annotations

from pathlib import Path

from xencfg import lint
from xencfg.versions import Version

from lintkit import tree

NON_ASCII_ALIAS = "multipaths {\n\tmultipath {\n\t\twwid 3600a1\n\t\talias d\u00e4t\u00e4\n\t}\n}\n"


def _lint(tmp_path: Path, path: str, text: str, **versions: str) -> list[tuple[str, str]]:
    root = tree(tmp_path, "n1", {path: text})
    given = {k.replace("_", "-"): Version.parse(v) for k, v in versions.items()}
    return sorted((f.code, f.severity) for f in lint.run([str(root)], versions=given).findings)


def test_unquoted_non_ascii_is_read_whole_before_0_4_9(tmp_path: Path) -> None:
    """multipath-tools 0.4.5 to 0.4.8 (RHEL 5, SLES 10: 0.4.7) end a word at a blank or a
    quote only (0.4.7 libmultipath/parser.c ``alloc_strvec``, no ``isascii`` test); the
    ``!isascii`` test came with 0.4.9's ``alloc_strvec`` (with the ``{``/``}`` split,
    versions.py MULTIPATH_SPLITS_BRACE). So ``alias dätä`` is the alias written there:
    an error only where the release cuts it, a warning while the release is unknown."""
    assert (
        _lint(tmp_path / "a", "etc/multipath.conf", NON_ASCII_ALIAS, multipath_tools="0.4.7") == []
    )
    assert _lint(tmp_path / "b", "etc/multipath.conf", NON_ASCII_ALIAS) == [("XC005", "warning")]
    assert _lint(
        tmp_path / "c", "etc/multipath.conf", NON_ASCII_ALIAS, multipath_tools="0.4.9"
    ) == [("XC005", "error")]
