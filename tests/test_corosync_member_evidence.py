"""udpu's ``interface { member { memberaddr } }`` shows no corosync generation.

corosync 2's exec/totemconfig.c (``totem_config_read``) still reads the
``totem.interface.%u.member.`` keys into ``member_list``: without a nodelist it sets
TOTEM_CONFIG_WARNING_MEMBERS_DEPRECATED and uses them, with one MEMBERS_IGNORED. So a
``member`` section is no proof of corosync 1 (realfiles3's finding); ``aisexec`` and
``service`` (the plugins corosync 2 dropped) still are.
"""

from __future__ import annotations

from xencfg.formats.lines.corosync import parse, release_evidence

MEMBERS = """\
totem {
  version: 2
  transport: udpu
  interface {
    ringnumber: 0
    bindnetaddr: 10.0.0.0
    member {
      memberaddr: 10.0.0.1
    }
    member {
      memberaddr: 10.0.0.2
    }
  }
}
"""


def test_member_tells_no_corosync_1() -> None:
    """Only ``ringnumber`` bounds the release here (corosync 3 dropped it): before 3.0."""
    found = release_evidence(parse(MEMBERS))
    assert found is not None and found[:2] == ("<3.0", "totem.interface.ringnumber")


def test_service_still_tells_corosync_1() -> None:
    found = release_evidence(parse(MEMBERS + "service {\n  name: pacemaker\n  ver: 0\n}\n"))
    assert found is not None and found[:2] == ("<2.0", "service.name")
