"""review6: verdicts of the cib12 and mp5 merges checked against other releases and
spellings an administrator may have; each test names the source line behind it."""

from __future__ import annotations

from pathlib import Path

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats.cib.model import CibDocument
from xencfg.versions import Version

NON_ASCII_ALIAS = "multipaths {\n\tmultipath {\n\t\twwid 3600a1\n\t\talias d\u00e4t\u00e4\n\t}\n}\n"


def _lint(tmp_path: Path, path: str, text: str, **versions: str) -> list[tuple[str, str]]:
    root = tree(tmp_path, "n1", {path: text})
    given = {k.replace("_", "-"): Version.parse(v) for k, v in versions.items()}
    found = lint.run([str(root)], versions=given).findings
    return sorted((f.code, f.severity) for f in found if f.code == "XC005")


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


IETD = "Target iqn.2026-12.net.example:disk\n\tLun 0 {options}\n"


def test_lower_case_lun_keys_are_read_from_iet_1_4_20(tmp_path: Path) -> None:
    """IET 1.4.20's kernel module lower-cases a LUN option up to its '=' before matching
    it (kernel/iotype.h ``iet_strtolower``: "we only tolower() up to the first '='",
    called in file-io.c ``parse_fileio_params`` against {opt_path, "path=%s"}); 0.4.17
    and 1.4.19's file-io.c match {Opt_path, "Path=%s"} as written ("unknown param")."""
    text = IETD.format(options="path=/dev/sdb,type=fileio")
    assert _lint(tmp_path / "a", "etc/ietd.conf", text, iscsitarget="1.4.20") == []
    assert _lint(tmp_path / "b", "etc/ietd.conf", text, iscsitarget="1.4.19") == [
        ("XC005", "error")
    ]
    assert _lint(tmp_path / "c", "etc/ietd.conf", text) == [("XC005", "warning")]
    # a key no release knows stays an error on every release
    text = IETD.format(options="Pth=/dev/sdb,Type=fileio")
    assert ("XC005", "error") in _lint(tmp_path / "d", "etc/ietd.conf", text, iscsitarget="1.4.20")


NONE_CIB = """<cib validate-with="none" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="ip:1" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def test_a_schema_less_pacemaker_cib_is_edited_in_its_own_dialect() -> None:
    """``validate-with="none"`` names no schema (Pacemaker-2.1.5 lib/common/schemas.c
    adds "none" beside the rng files; crm_verify 2.1.5: "Schema validation of
    configuration is disabled", rc 0 on NONE_CIB with the id ``ip:1``). It was read as a
    heartbeat 2 CIB, so ``add_order`` wrote ``from``/``to``, which crm_verify 2.1.5
    refuses ("Ignoring constraint 'order-...' without first", "config not valid";
    pcmk_sched_ordering.c reads ``first``), and the id check refused the existing
    resource ``ip:1`` ("Pacemaker's schema refuses the CIB": there is none)."""
    doc = xencfg.loads(NONE_CIB, "cib")
    assert isinstance(doc, CibDocument) and doc.dialect == "pacemaker-1.0"
    doc.add_order("ip:1", "web")
    assert '<rsc_order id="order-ip.1-web" first="ip:1" then="web"/>' in xencfg.dumps(doc)
    # a heartbeat 2 CIB (no validate-with) keeps its dialect
    hb2 = xencfg.loads(NONE_CIB.replace(' validate-with="none"', ""), "cib")
    assert isinstance(hb2, CibDocument) and hb2.dialect == "heartbeat-2"
