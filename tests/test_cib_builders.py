"""CIB builders write the document's dialect (issue 19): a resource built for the other
dialect is rewritten as it is added, and order, colocation and location constraints come
out as crm.dtd (heartbeat 2) or the pacemaker-1.0 schema wants them; both validate."""

from __future__ import annotations

import pytest

import xencfg
from xencfg.formats.cib import validate
from xencfg.formats.cib.model import CibDocument, make_primitive


@pytest.mark.parametrize("dialect", ["pacemaker-1.0", "heartbeat-2"])
def test_builders_write_the_documents_dialect(dialect: str) -> None:
    doc = CibDocument.new(dialect)
    other = "heartbeat-2" if dialect == "pacemaker-1.0" else "pacemaker-1.0"
    foreign = make_primitive(
        "vm",
        "ocf",
        "Xen",
        "heartbeat",
        params={"xmfile": "/etc/xen/vm/web"},
        meta={"allow_migrate" if other == "heartbeat-2" else "allow-migrate": "true"},
        ops=[{"name": "start", "timeout": "60s"}],
        dialect=other,
    )
    doc.add_resource(foreign)
    doc.add_resource(
        doc.make_primitive("ip", "ocf", "IPaddr", "heartbeat", params={"ip": "1.2.3.4"})
    )
    doc.add_order("ip", "vm")
    doc.add_colocation("vm", "ip")
    doc.add_location("vm", "alpha", "100")
    doc.add_location("vm", "alpha", "50")  # a second one gets its own id
    text = doc.dumps()
    again = xencfg.loads(text, "cib")
    assert again.dialect == dialect
    assert validate(again) == []
    legacy = dialect == "heartbeat-2"
    assert ("<attributes>" in text) is legacy
    assert ('name="allow_migrate"' in text) is legacy  # crm.dtd: underscores
    assert ('name="allow-migrate"' in text) is not legacy  # Pacemaker 1.0 reads dashes
    if not legacy:  # the 1.0 schema requires an interval (crm.dtd does not mind one)
        assert 'name="start" timeout="60s" interval="0"' in text
    assert [(o.first, o.then) for o in again.orders] == [("ip", "vm")]
    assert [(c.rsc, c.with_rsc) for c in again.colocations] == [("vm", "ip")]
    assert [loc.nodes() for loc in again.locations] == [["alpha"], ["alpha"]]
    assert [loc.id for loc in again.locations] == ["location-vm-alpha", "location-vm-alpha-2"]
    assert again.resource("vm").meta("allow-migrate") == "true"  # read as the CRM does
    assert ('from="vm" type="after" to="ip"' in text) is legacy
    assert ("#uname" in text) is legacy  # crm.dtd's rsc_location has no node attribute
