"""The CIB document's own compact tree (formats/cib/compact.py) against lxml's.

A loaded CIB is read into a tree of its own (not libxml2's, which alone costs about 12x
an attribute-dense file: issue 22 item 10). The differential test here reads every CIB
we have (tests/fixtures, examples/, and /work/shared's corpus, seeds and oracle CIBs)
twice: as a load gives it, and through lxml's tree (the same document materialized
before its first read, which is what every document was before), and requires the same
``to_dict()`` and the same lint findings.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import xencfg
from conftest import FIXTURES, ids, shared_files
from roundtrip import read
from xencfg.formats import cib
from xencfg.formats.cib import CibDocument, compact
from xencfg.lint import lint_text

ROOT = Path(__file__).resolve().parent.parent


def _cib_files() -> list[Path]:
    own = [
        p
        for base in (FIXTURES, ROOT / "examples")
        for p in sorted(base.rglob("*"))
        if p.is_file() and p.suffix in (".xml", "") and _is_cib(p)
    ]
    shared = (
        shared_files("corpus", "cib-hb2")
        + shared_files("corpus", "cib-pcmk1")
        + shared_files("oracle", "cib", pattern="*.xml")
        + [p for p in shared_files("seed-examples") if "/cib/" in str(p) and p.suffix == ".xml"]
    )
    return own + shared


def _is_cib(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="surrogateescape")[:65536]
    except OSError:
        return False
    return cib.sniff(head)


FILES = _cib_files()


def _lxml_backed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CIB read from here on reads lxml's tree: the document's own tree is
    materialized before anything reads it (as an edit would)."""
    real = cib._read

    def read_then_materialize(text: str, path: str | None) -> tuple[Any, bool, Any]:
        root, wrapped, starts = real(text, path)
        root.materialize()
        return root, wrapped, starts

    monkeypatch.setattr(cib, "_read", read_then_materialize)


def _findings(text: str, path: str) -> list[tuple[Any, ...]]:
    res = lint_text(text, "cib", path=path)
    return [(f.code, f.path, f.line, f.column, f.severity, f.message) for f in res.findings]


def _model(text: str, path: str) -> tuple[str, Any]:
    try:
        doc = xencfg.loads(text, "cib", path=path)
    except xencfg.ParseError as exc:
        return ("error", (exc.message, exc.line, exc.column, exc.severity))
    assert isinstance(doc, CibDocument)
    lines = [(getattr(e, "sourceline", None), doc.element_position(e)) for e in doc.iter()]
    return ("doc", (doc.to_dict(show_secrets=True), lines, doc.dialect, doc.dumps() == text))


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_own_tree_reads_as_lxml_tree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same model, element positions and lint findings through either tree."""
    text = read(path)
    name = path.name
    ours = (_model(text, name), _findings(text, name))
    _lxml_backed(monkeypatch)
    theirs = (_model(text, name), _findings(text, name))
    assert ours == theirs


def test_the_differential_reads_two_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is between two different trees (so it can fail)."""
    text = read(FIXTURES / "cib" / "valid" / "pcmk10.xml")
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc.root, compact.Node)
    _lxml_backed(monkeypatch)
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc.root, etree._Element)
    assert len(FILES) > 20


PCMK = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes><node id="a" uname="alpha" type="normal"/></nodes>
    <resources>
      <!-- the web server -->
      <primitive id="web" class="ocf" provider="heartbeat" type="apache">
        <instance_attributes id="web-ia">
          <nvpair id="web-conf" name="configfile" value="/etc/apache2/httpd.conf"/>
        </instance_attributes>
      </primitive>
      <?xencfg test?>
      <group id="g"><primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2"/></group>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def _both() -> Iterator[tuple[Any, Any]]:
    """Each element (and comment and PI) of PCMK in the own tree and in lxml's."""
    doc = xencfg.loads(PCMK, "cib")
    assert isinstance(doc, CibDocument)
    theirs = etree.fromstring(PCMK.encode())
    return zip(doc.root.iter(), theirs.iter(), strict=True)  # type: ignore[union-attr]


def test_node_answers_lxml_read_api() -> None:
    """Each read the views and rules use gives what lxml's element gives."""

    def same(a: Any, b: Any) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and a.tag == b.tag)

    for mine, theirs in _both():
        assert isinstance(mine, compact.Node)
        assert mine.tag == theirs.tag
        if isinstance(theirs.tag, str):
            assert mine.sourceline == theirs.sourceline
            assert mine.get("id") == theirs.get("id")
            assert mine.get("nothing", "d") == "d"
            assert mine.items() == theirs.items()
            assert mine.keys() == theirs.keys() and mine.values() == theirs.values()
            assert dict(mine.attrib) == dict(theirs.attrib) and len(mine.attrib) == len(
                theirs.attrib
            )
            assert [c.tag for c in mine.iter("{*}primitive", "nvpair")] == [
                c.tag for c in theirs.iter("{*}primitive", "nvpair")
            ]
            assert [c.tag for c in mine.iterdescendants()] == [
                c.tag for c in theirs.iterdescendants()
            ]
            assert [a.tag for a in mine.iterancestors()] == [a.tag for a in theirs.iterancestors()]
            assert [a.tag for a in mine.iterancestors("group")] == [
                a.tag for a in theirs.iterancestors("group")
            ]
        else:
            assert mine.text == theirs.text
        assert len(mine) == len(theirs)
        assert [c.tag for c in mine] == [c.tag for c in theirs]
        assert [c.tag for c in mine.iterchildren(reversed=True)] == [
            c.tag for c in theirs.iterchildren(reversed=True)
        ]
        assert same(mine.getparent(), theirs.getparent())
        assert same(mine.getnext(), theirs.getnext())
        assert same(mine.getprevious(), theirs.getprevious())
        assert [s.tag for s in mine.itersiblings(preceding=True)] == [
            s.tag for s in theirs.itersiblings(preceding=True)
        ]
        assert mine.getroottree().getroot().tag == theirs.getroottree().getroot().tag
        if mine.getparent() is not None:
            assert mine.getparent().index(mine) == theirs.getparent().index(theirs)
            assert mine in mine.getparent()
    # a comment's line is lxml's (asking for it materializes the tree)
    lines = [(m.sourceline, t.sourceline) for m, t in _both() if not isinstance(t.tag, str)]
    assert lines and all(m == t for m, t in lines)


def test_line_of_a_start_tag_over_several_lines() -> None:
    """libxml2 puts an element on the line where its start tag ends, counting line feeds
    only; the own tree reads the same line from the text."""
    text = '<cib>\r\n<configuration\n  a="x>y"\r\n/><status\rb="1"/>\n<!-- c -->\n</cib>\n'
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc, CibDocument)
    mine = [(e.tag, e.sourceline) for e in doc.iter()]
    theirs = [(e.tag, e.sourceline) for e in etree.fromstring(text.encode()).iter()]
    assert mine == [t for t in theirs if isinstance(t[0], str)]
    assert [doc.element_position(e) for e in doc.iter()] == [(1, 1), (2, 1), (4, 3)]


def test_reading_does_not_materialize() -> None:
    """A load, its model and a lint read only the own tree (no libxml2 tree is kept)."""
    doc = xencfg.loads(PCMK, "cib")
    assert isinstance(doc, CibDocument)
    doc.to_dict()
    list(doc.ids())
    doc.references()
    assert doc._tree is not None and not doc._tree.done
    assert xencfg.dumps(doc) == PCMK
    assert doc._tree is not None and not doc._tree.done


def test_lint_reads_only_the_own_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linting a CIB never builds lxml's tree of the document (the load's memory is the
    lint's too; only schema validation parses the text again, for its own moments)."""
    built: list[str | None] = []
    real = compact.Tree.materialize

    def counted(tree: compact.Tree) -> None:
        built.append(tree.path)
        real(tree)

    monkeypatch.setattr(compact.Tree, "materialize", counted)
    files = [p for p in FILES if FIXTURES in p.parents or ROOT / "examples" in p.parents]
    for path in files:
        _findings(read(path), path.name)
    assert len(files) > 20 and built == []
    monkeypatch.undo()
    monkeypatch.setattr(compact.Tree, "materialize", counted)
    xencfg.loads(PCMK, "cib").root.xpath("//nvpair")  # type: ignore[union-attr]
    assert built == [None]  # (the count sees a materializing)


def test_edit_through_an_element_read_before() -> None:
    """An element read before the first edit forwards to lxml's tree once it is there:
    its edits are dumped, and it equals the element the document now hands out."""
    doc = xencfg.loads(PCMK, "cib")
    assert isinstance(doc, CibDocument)
    pair = next(doc.iter("nvpair"))
    prim = doc.resource("web")
    assert prim is not None
    pair.set("value", "/srv/httpd.conf")  # the first edit
    assert isinstance(doc.root, etree._Element)  # the document reads lxml's tree
    assert doc._tree is None
    assert next(doc.iter("nvpair")) == pair
    assert doc.resource("web") == prim
    assert prim.param("configfile") == "/srv/httpd.conf"
    etree.SubElement(doc.section("nodes"), "node", id="b", uname="beta", type="normal")
    out = xencfg.dumps(doc)
    assert 'value="/srv/httpd.conf"' in out and 'uname="beta"' in out
    assert out.count("\n") == PCMK.count("\n") + 1


def test_lxml_only_calls_materialize() -> None:
    """What the own tree does not answer (XPath, text, a copy) is lxml's answer."""
    doc = xencfg.loads(PCMK, "cib")
    assert isinstance(doc, CibDocument)
    web = next(doc.iter("primitive"))
    assert [e.get("id") for e in web.xpath(".//nvpair")] == ["web-conf"]
    assert doc._tree is None or doc._tree.done
    assert copy.deepcopy(doc.root).tag == "cib"


def test_comments_around_the_root() -> None:
    """Comments and PIs before and after the root are no node of the tree (lxml's
    ``iter()`` does not give them either); the file still dumps as it was."""
    text = "<?xml version='1.0'?>\n<!-- saved by hand -->\n<?pi x?>\n" + PCMK + "<!-- end -->\n"
    doc = xencfg.loads(text, "cib")
    assert isinstance(doc, CibDocument) and isinstance(doc.root, compact.Node)
    assert [e.tag for e in doc.root.iter()] == [
        e.tag for e in etree.fromstring(text.encode()).iter()
    ]
    assert doc.root.sourceline == 4
    assert xencfg.dumps(doc) == text


def test_fragment_and_recovered_read_into_own_tree() -> None:
    """A fragment of several roots and a CIB Pacemaker recovers are own trees too."""
    frag = xencfg.loads('<nvpair id="a" name="x" value="1"/>\n<nvpair id="b" name="y"/>\n', "cib")
    assert isinstance(frag, CibDocument)
    assert isinstance(frag.wrapper, compact.Node)
    assert [r.get("id") for r in frag.roots] == ["a", "b"]
    twice = PCMK.replace('type="apache"', 'type="apache" type="apache"')
    with pytest.raises(xencfg.ParseError) as caught:
        xencfg.loads(twice, "cib")
    partial = getattr(caught.value, "partial", None)
    assert isinstance(partial, CibDocument) and isinstance(partial.root, compact.Node)
    assert partial.resource("web") is not None


ODD = {
    "undeclared prefix": '<cib><b:c x="1"/></cib>',
    "undeclared attribute prefix": '<cib><c b:x="1"/></cib>',
    "xml:id twice": '<cib><a xml:id="x"/><b xml:id="x"/></cib>',
    "empty namespace": '<cib xmlns:p=""><p:a/></cib>',
    "xml prefix rebound": '<cib xmlns:xml="urn:x"/>',
    "namespaced attribute twice": '<cib xmlns:a="urn:x" xmlns:b="urn:x" a:z="1" b:z="2"/>',
    "default namespace": '<cib xmlns="urn:x"><c xmlns:p="urn:p" p:x="1"/></cib>',
    "xml:lang": '<cib xml:lang="en"/>',
    "nested 300 deep": "<a>" * 300 + "</a>" * 300,
    "nested 255 deep": "<a>" * 255 + "</a>" * 255,
    "ampersands": '<cib a="x &amp; y &#38; z &amp;#38; &lt;&#60;&gt;&quot;&apos;&#x26;"/>',
    "blanks in values": '<cib a="\t1\n2\r\n3&#10;4&#9;5&#13;"/>',
    "undefined entity": '<cib a="&foo;"/>',
    "a NUL": "<cib>\x00</cib>",
    "CDATA": "<cib><![CDATA[<x>]]><y/></cib>",
    "two roots": "<a/><b/>",
    "Latin-1 declared": '<?xml version="1.0" encoding="ISO-8859-1"?><cib a="\u00e9"/>',
}


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_odd_xml_reads_as_lxml_reads_it(text: str) -> None:
    """What libxml2 checks only when it builds its tree (namespaces, xml:id, depth) or
    hands a parser target differently (``&`` as ``&#38;``) reads as lxml's tree reads
    it: the same error, or the same elements, attributes and lines."""
    from xencfg.formats.cib import xmltext

    def shape(root: Any) -> list[Any]:
        return [(e.tag, e.sourceline, sorted(e.attrib.items())) for e in xmltext.elements(root)]

    try:
        theirs: Any = shape(xmltext.load(text, None)[0])
    except xencfg.ParseError as exc:
        theirs = exc.message
    try:
        doc = xencfg.loads(text, "cib")
    except xencfg.ParseError as exc:
        assert exc.message == theirs
        return
    assert isinstance(doc, CibDocument)
    top = doc.wrapper if doc.wrapper is not None else doc.root
    assert shape(top) == theirs
