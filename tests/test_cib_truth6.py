"""CIB truth across Pacemaker releases (session cib12): ids the CIB API writes, the
pacemaker-1.1 schema of Pacemaker 1.1.1-1.1.11, what Pacemaker 3.0 dropped, heartbeat
2.0.x CIBs, loose CIBs of several clusters, and Pacemaker 1.0 CIBs as ``crm configure``
and hb_gui wrote them.

Pacemaker sources are cited from ClusterLabs/pacemaker at the release tags (the
``search`` tool's code corpus, or a git mirror of the repository); crm_verify is Debian's
Pacemaker 2.1.5 (conftest ``crm_verify_file``; /work/shared/oracle/peers/README.md §8).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from xencfg.formats.cib.model import CibDocument, make_clone, make_group, make_primitive

FIXTURES = Path(__file__).parent / "fixtures" / "cib-truth6"


# -- the CIB API refuses ids that are not XML IDs ---------------------------------------


@pytest.mark.parametrize("bad", ["1web", "web:1", "web server", "", "-web", "web#1", ".web"])
def test_api_refuses_an_id_that_is_no_ncname(bad: str) -> None:
    """Every ``id`` of pacemaker-1.0.rng (and of every later schema) is ``xsd:ID``, an
    NCName: crm_verify 2.1.5 refuses the CIB ("Type ID doesn't allow value '1web'", below).
    Pacemaker's own tools never write such an id: the ids they derive go through
    ``crm_xml_sanitize_id`` (2.1.5 lib/common/xml.c line 1190) / ``pcmk__xml_sanitize_id``
    (3.0.0 lib/common/xml.c line 654). The API took any string and wrote a CIB Pacemaker
    refuses."""
    doc = CibDocument.new()
    with pytest.raises(ValueError, match="not an XML ID"):
        doc.make_primitive(bad, "ocf", "Dummy", "heartbeat")
    with pytest.raises(ValueError, match="not an XML ID"):
        make_group(bad, [make_primitive("a", "ocf", "Dummy", "heartbeat")])
    with pytest.raises(ValueError, match="not an XML ID"):
        make_clone(bad, make_primitive("b", "ocf", "Dummy", "heartbeat"))
    doc.add_resource(doc.make_primitive("web", "ocf", "Dummy", "heartbeat"))
    doc.add_resource(doc.make_primitive("db", "ocf", "Dummy", "heartbeat"))
    for call in (
        lambda: doc.add_order("web", "db", id=bad),
        lambda: doc.add_order(bad, "db"),
        lambda: doc.add_colocation("web", bad),
        lambda: doc.add_colocation("web", "db", id=bad),
        lambda: doc.add_location(bad, "xen1", "100"),
        lambda: doc.add_location("web", "xen1", "100", id=bad),
    ):
        with pytest.raises(ValueError, match="not an XML ID"):
            call()
    assert doc.constraints == []  # nothing half-added


def test_api_ids_it_derives_are_valid_and_crm_verify_agrees(tmp_path: Path) -> None:
    """Ids the API derives from other names (an op named with a space, a parameter named
    ``a b``, a node name with a space in a location id) are made NCNames as Pacemaker 3.0
    does (``pcmk__xe_set_id``: bad characters become ``.``; its unit test
    lib/common/tests/xml_element/pcmk__xe_set_id_test.c ``a$b`` -> ``a.b``); the CIB
    passes crm_verify. The same CIB with a bad id written by hand does not."""
    doc = CibDocument.new()
    doc.set_option("stonith-enabled", "false")  # (crm_verify: no STONITH resources)
    doc.add_resource(
        doc.make_primitive(
            "web",
            "ocf",
            "Dummy",
            "heartbeat",
            params={"a b": "1"},
            ops=[{"name": "monitor", "interval": "10s"}],
        )
    )
    doc.add_resource(doc.make_primitive("db", "ocf", "Dummy", "heartbeat"))
    doc.add_location("web", "xen 1", "100")
    doc.add_order("db", "web")
    ids = [el.get("id") for el in doc.iter() if el.get("id")]
    assert "web-instance_attributes-a.b" in ids and "location-web-xen.1" in ids
    good = tmp_path / "good.xml"
    good.write_text(doc.dumps())
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    bad = tmp_path / "bad.xml"
    bad.write_text(doc.dumps().replace('id="location-web-xen.1"', 'id="location web"'))
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out


def test_api_heartbeat_2_ids_may_start_with_a_digit() -> None:
    """heartbeat 2's crm.dtd types ids as CDATA and documents ``[a-zA-Z0-9_\\-]`` (line 20
    of /work/shared/oracle/cib/crm.dtd): a leading digit is heartbeat 2's to take, so a
    heartbeat-2 document keeps it; a colon or a space it refuses (they break clone
    instance names and the upgrade)."""
    doc = CibDocument.new("heartbeat-2")
    doc.add_resource(doc.make_primitive("1web", "ocf", "Dummy", "heartbeat", params={"x": "1"}))
    assert doc.add_order("1web", "1web").el.get("id") == "order-1web-1web"
    with pytest.raises(ValueError):
        doc.make_primitive("web:1", "ocf", "Dummy", "heartbeat")


# -- pacemaker-1.1: its own schema in Pacemaker 1.1.1 to 1.1.11 -------------------------

from test_cib_truth4 import cib, findings, promotable  # noqa: E402

TAGS = '<tags><tag id="t-web"><obj_ref id="remote1"/></tag></tags>'


def _with_section(path: Path, section: str) -> Path:
    path.write_text(
        path.read_text().replace("  </configuration>", f"    {section}\n  </configuration>")
    )
    return path


@pytest.mark.parametrize(
    "release,refused",
    [("1.1.7", True), ("1.1.11", True), ("1.1.12", False), ("1.1", False), ("1.1.24", False)],
)
def test_cb023_pacemaker_1_1_cib_on_a_1_1_era_cluster(
    tmp_path: Path, release: str, refused: bool
) -> None:
    """Pacemaker 1.1.1 to 1.1.11 shipped their own xml/pacemaker-1.1.rng: pacemaker-1.2.rng
    plus a ``domains`` section (``diff`` of the two files at tags Pacemaker-1.1.1, -1.1.5,
    -1.1.7, -1.1.11), no ``tags`` (tags-1.3.rng came with 1.1.12, whose schemas.c
    ``schema_filter`` skips pacemaker-1.1.rng: "-1.1 was used for what later became
    -next"). So a pacemaker-1.1 CIB with ``<tags>`` is refused by the 1.1.7 or 1.1.11
    cluster, and read as pacemaker-next by 1.1.12 to 1.1.24 (a declared ``1.1`` may be
    any of them: no error). A dc-version of 1.1.7 alone leaves 1.1.x open (versions.py
    reads a DC's release as ``[1.1.7, 1.2)``). Lint took pacemaker-1.1 for
    pacemaker-next whatever the release and said nothing."""
    from test_cib_truth4 import REMOTE

    resources = REMOTE.replace("{REMOTE}", "remote1")
    path = cib(tmp_path, vw="pacemaker-1.1", dc=f"{release}-0a1b2c3", resources=resources)
    _with_section(path, TAGS)
    got = findings(path, "CB023", f"pacemaker={release}")
    assert [c for c, _, _, _ in got] == (["CB023"] if refused else []), got
    if refused:
        assert "pacemaker-1.3" in got[0][3] and "<tags>" in got[0][3]
    # the release unknown (no dc-version): it may be 1.1.12-1.1.24, no error
    bare = cib(tmp_path, vw="pacemaker-1.1", dc="", name="bare.xml")
    bare.write_text(bare.read_text().replace('name="dc-version" value=""', 'name="x" value="1"'))
    assert findings(_with_section(bare, TAGS), "CB023") == []


def test_cb031_pacemaker_1_1_and_1_2_came_with_1_1_1(tmp_path: Path) -> None:
    """Pacemaker-1.0.8 and -1.1.0 lib/common/xml.c ``known_schemas`` end at pacemaker-1.0;
    Pacemaker-1.1.1's adds pacemaker-1.1 and pacemaker-1.2 (entries 5 and 6). The table
    said pacemaker-1.2 came with 1.1.0 and did not know pacemaker-1.1 at all, so a
    pacemaker-1.1 CIB on a 1.0 cluster passed."""
    for vw in ("pacemaker-1.1", "pacemaker-1.2"):
        path = cib(tmp_path, vw=vw, dc="1.1.5-01e86afaaa6d", resources=promotable("Master", "Slave"),
                   name=f"{vw}.xml")  # fmt: skip
        for target in ("pacemaker=1.0", "pacemaker=1.1.0"):
            [(code, severity, _, message)] = findings(path, "CB031", target)
            assert (code, severity) == ("CB031", "error")
            assert "needs Pacemaker 1.1.1 or later" in message, message
        assert findings(path, "CB031", "pacemaker=1.1") == []  # any 1.1.x: maybe 1.1.1+
        assert findings(path, "CB031", "pacemaker=1.1.1") == []
        assert findings(path, "CB031") == []  # dc-version 1.1.5


def test_versions_a_pacemaker_1_1_cib_proves_1_1_1(tmp_path: Path) -> None:
    """What the CIB proves of the release: ``validate-with="pacemaker-1.1"`` needs 1.1.1
    (above); lint read it as "a Pacemaker 1.0 CIB"."""
    from xencfg import lint

    path = cib(tmp_path, vw="pacemaker-1.1", dc="", resources=promotable("Master", "Slave"))
    path.write_text(path.read_text().replace('name="dc-version" value=""', 'name="x" value="1"'))
    result = lint.run([str(path)], select=["CB031"], force_format="cib")
    in_force = result.cluster.versions.of("pacemaker")
    assert str(in_force.low) == "1.1.1", in_force
