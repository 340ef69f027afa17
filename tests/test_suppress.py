"""Inline suppressions (issue 19 "Suppressions"): each format takes the form its rule pages
give, and following the docs never changes what the daemon (or our model) reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import ROOT
from xencfg import lint
from xencfg.discover import discover
from xencfg.lint.suppress import NEXT_LINE_ONLY, XML, how


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / "n" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path / "n"


def found(root: Path) -> list[str]:
    return [f.code for f in lint.run([str(root)]).findings]


# XC003 on line 1: 'node.startp' is not a key iscsid knows
ISCSID = "node.startp = automatic\nnode.session.auth.authmethod = None\n"


def test_trailing_comment_is_not_a_suppression_where_it_is_the_value(tmp_path: Path) -> None:
    """open-iscsi usr/idbm.c idbm_recinfo_config skips a line only when its first
    non-blank is '#'; the value is the rest of the line, so a trailing comment would
    be read as part of the value and is not honoured as a suppression."""
    text = "node.startp = automatic # xencfg: ignore[XC003]\n"
    root = tree(tmp_path, {"etc/iscsi/iscsid.conf": text})
    assert "XC003" in found(root)
    doc = xencfg.loads("node.startup = automatic # xencfg: ignore[XC003]\n", "iscsid")
    assert doc.to_dict()["settings"]["node.startup"].endswith("# xencfg: ignore[XC003]")


@pytest.mark.parametrize(
    ("rel", "fmt", "text", "code"),
    [
        ("etc/iscsi/iscsid.conf", "iscsid", ISCSID, "XC003"),
        (
            "etc/ietd.conf",
            "ietd",
            "Target iqn.2001-04.com.example:t\n\tLun 1 Path=/dev/vg/a,Type=blockio\n",
            "IS004",
        ),
    ],
)
def test_next_line_form_suppresses_and_changes_nothing_read(
    tmp_path: Path, rel: str, fmt: str, text: str, code: str
) -> None:
    root = tree(tmp_path, {rel: text})
    assert code in found(root)
    first, rest = text.split("\n", 1)
    suppressed = f"# xencfg: ignore-next-line[{code}]\n{first}\n{rest}"
    (root / rel).write_text(suppressed)
    assert code not in found(root)
    assert xencfg.loads(suppressed, fmt).to_dict() == xencfg.loads(text, fmt).to_dict()


def test_next_line_form_applies_to_the_next_line_only(tmp_path: Path) -> None:
    """``ignore-next-line`` is not a bare ``ignore`` of its own line (the old pattern
    matched ``ignore`` inside it), nor of lines further down."""
    text = "# xencfg: ignore-next-line[XC003]\n\nnode.startp = automatic\n"
    assert "XC003" in found(tree(tmp_path, {"etc/iscsi/iscsid.conf": text}))


def test_file_level_form(tmp_path: Path) -> None:
    text = "# xencfg: ignore-file[XC004]\ndefaults {\n\tudev_dir /dev\n}\n"
    root = tree(tmp_path, {"etc/multipath.conf": text})
    assert "XC004" not in found(root)
    (root / "etc/multipath.conf").write_text(text.replace("XC004", "MP001"))
    assert "XC004" in found(root)
    # the words must be a comment of their own, not inside a value
    (root / "etc/multipath.conf").write_text(
        'defaults {\n\tudev_dir /dev\n\tgetuid_callout "/x # xencfg: ignore-file"\n}\n'
    )
    assert "XC004" in found(root)


CIB = """<?xml version="1.0"?>
<cib admin_epoch="0" epoch="1" num_updates="1">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
{comment}      <primitive id="r1" class="ocf" provider="heartbeat" type="IPaddr">
        <instance_attributes id="r1-ia"><attributes>
          <nvpair id="r1-ip" name="ip" value="10.0.0.9"/>
        </attributes></instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    "comment",
    [
        "      <!-- xencfg: ignore-next-line[CB008] -->\n",
        "  <!-- xencfg: ignore-file[CB008] -->\n",
    ],
)
def test_cib_takes_xml_comments(tmp_path: Path, comment: str) -> None:
    path = "var/lib/heartbeat/crm/cib.xml"
    root = tree(tmp_path, {"etc/hostname": "n\n", path: CIB.format(comment="")})
    assert "CB008" in found(root)
    (root / path).write_text(CIB.format(comment=comment))
    assert "CB008" not in found(root)


def test_rule_pages_give_each_format_its_form() -> None:
    """The docs say which form works; following them must not break the file."""
    rules = ROOT / "docs" / "rules"
    assert (
        "`# xencfg: ignore-next-line[IS004]` on the line before" in (rules / "IS004.md").read_text()
    )
    cb = (rules / "CB008.md").read_text()
    assert "`<!-- xencfg: ignore[CB008] -->`" in cb and "CRM rewrites" in cb
    assert "`# xencfg: ignore[MP001]` on its line" in (rules / "MP001.md").read_text()
    assert how("iscsid", "X") != how("drbd", "X") != how("cib", "X")
    assert {"iscsid", "ietd", "initiatorname"} <= NEXT_LINE_ONLY and "cib" in XML


def _with_comment(text: str, fmt: str) -> str:
    """The file with a documented file-level suppression added at its top."""
    if fmt in XML:
        head, _sep, rest = text.partition("\n")
        if head.startswith("<?xml"):
            return f"{head}\n<!-- xencfg: ignore-file[XC004] -->\n{rest}"
        return f"<!-- xencfg: ignore-file[XC004] -->\n{text}"
    return f"# xencfg: ignore-file[XC004]\n{text}"


_FOUND = [discover([str(d)]) for d in sorted((ROOT / "examples").glob("*/*")) if d.is_dir()]
EXAMPLE_FILES = [f for found in _FOUND for f in found.files()]
#: The text of files that are sections of a larger file (a supportconfig's), by display.
_SECTION_TEXTS = {k: v for found in _FOUND for k, v in found.texts.items()}


@pytest.mark.parametrize("file", EXAMPLE_FILES, ids=[f.display for f in EXAMPLE_FILES])
def test_a_suppression_comment_changes_nothing_the_model_reads(file: object) -> None:
    """Every example file, with a file-level suppression comment added as the docs show,
    reads the same (the comment forms are whole-line comments every format skips)."""
    from xencfg.discover import SourceFile

    assert isinstance(file, SourceFile) and file.format is not None
    text = _SECTION_TEXTS.get(file.display) or file.path.read_text()
    before = xencfg.loads(text, file.format).to_dict(show_secrets=True)
    after = xencfg.loads(_with_comment(text, file.format), file.format).to_dict(show_secrets=True)
    assert after == before


def test_augeas_reads_the_same_iscsid_with_the_next_line_form(tmp_path: Path) -> None:
    """Augeas' Iscsid.lens (the structural oracle of peers/README.md section 5) sees the
    same settings with and without the suppression comment."""
    from conftest import augeas_lens, augeas_tree

    peer = augeas_lens("iscsid.aug")
    plain, commented = tmp_path / "a.conf", tmp_path / "b.conf"
    plain.write_text(ISCSID)
    commented.write_text("# xencfg: ignore-next-line[XC003]\n" + ISCSID)
    ok_a, tree_a = augeas_tree(peer, "Iscsid.lns", plain)
    ok_b, tree_b = augeas_tree(peer, "Iscsid.lns", commented)
    assert ok_a and ok_b

    def settings(pairs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        return [(k.rsplit("/", 1)[-1], v) for k, v in pairs if "#comment" not in k]

    assert settings(tree_a) == settings(tree_b) and settings(tree_a)
