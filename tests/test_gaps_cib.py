"""The CIB gaps session 21 left (gapscib): the pacemaker-1.1 schema by release, what
Pacemaker 3.0 dropped, ``class="init"``, and the migrate report's citation of fencing.

Pacemaker sources are quoted from ClusterLabs/pacemaker at the release tags (a git mirror
of the repository, read with ``git show TAG:PATH``); crm_verify is Debian's Pacemaker
2.1.5 (conftest ``crm_verify_file``; /work/shared/oracle/peers/README.md section 8).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from xencfg import lint
from xencfg.formats.schema import UNKNOWN, InForce, Version
from xencfg.rules.cib.placement import schema_has
from xencfg.versions import parse_targets

#: A two-node cluster with one fencing device per node, one resource and one clone;
#: ``{VW}``, ``{DC}``, ``{RESOURCES}``, ``{CONSTRAINTS}`` and ``{EXTRA}`` (more
#: configuration sections) are filled in per test.
SMALL = """<cib validate-with="{VW}" epoch="3" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opts-dc" name="{DCNAME}" value="{DC}"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="n1" uname="alpha"/>
      <node id="n2" uname="beta"/>
    </nodes>
    <resources>
      <primitive id="kill-alpha" class="stonith" type="fence_ipmilan">
        <instance_attributes id="kill-alpha-ia">
          <nvpair id="kill-alpha-ia-ip" name="ip" value="192.0.2.1"/>
          <nvpair id="kill-alpha-ia-hl" name="pcmk_host_list" value="alpha"/>
        </instance_attributes>
        <operations><op id="kill-alpha-mon" name="monitor" interval="60s"/></operations>
      </primitive>
      <primitive id="www" class="ocf" provider="heartbeat" type="Dummy">
        <operations><op id="www-mon" name="monitor" interval="20s"/></operations>
      </primitive>
      <clone id="cl-ping">
        <primitive id="ping" class="ocf" provider="pacemaker" type="Dummy">
          <operations><op id="ping-mon" name="monitor" interval="20s"/></operations>
        </primitive>
      </clone>
{RESOURCES}
    </resources>
    <constraints>
{CONSTRAINTS}
    </constraints>
{EXTRA}
  </configuration>
  <status/>
</cib>
"""


def small(
    tmp_path: Path,
    *,
    vw: str = "pacemaker-1.2",
    dc: str | None = None,
    resources: str = "",
    constraints: str = "",
    extra: str = "",
    name: str = "cib.xml",
) -> Path:
    """A CIB from :data:`SMALL`; ``dc`` None: no dc-version (the release unknown)."""
    text = (
        SMALL.replace("{VW}", vw)
        .replace("{DCNAME}", "dc-version" if dc is not None else "x-note")
        .replace("{DC}", dc or "1")
        .replace("{RESOURCES}", resources)
        .replace("{CONSTRAINTS}", constraints)
        .replace("{EXTRA}", extra)
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def found(path: Path, code: str, *targets: str) -> list[tuple[str, str, str]]:
    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], select=[code], force_format="cib", versions=versions)
    return [(f.code, f.severity, f.message) for f in result.findings]


def exact(release: str) -> InForce:
    return InForce(exact=Version.parse(release), source="declared")


# -- 1. placement.schema_has: pacemaker-1.1 by release ----------------------------------


def test_schema_has_reads_pacemaker_1_1_by_release() -> None:
    """``git show Pacemaker-1.1.N:xml/pacemaker-1.1.rng`` against the same tag's
    pacemaker-1.2.rng: at 1.1.2 to 1.1.11 it adds ``<domains>`` and refers to
    constraints-1.1.rng, which adds ``domain`` on rsc_location and the four ``*-instance``
    attributes, and at 1.1.11 ``rsc-pattern`` (pengine/constraints.c at that tag,
    ``unpack_location`` line 358, reads it). No location resource set in
    constraints-1.1.rng at any tag; constraints-1.2.rng got them at 1.1.12. 1.1.12's
    pacemaker-next (xml/Makefile.am: cib-1.2, constraints-next.rng, tags-1.3.rng, ...)
    has no ``domains`` and has ``<tags>``. schema_has took pacemaker-1.1 for
    pacemaker-next on every release."""
    v11 = "pacemaker-1.1"
    assert schema_has(v11, "domains", exact("1.1.10"))
    assert not schema_has(v11, "domains", exact("1.1.12"))
    assert not schema_has(v11, "domains", exact("1.1.1"))  # 1.1.1's was pacemaker-1.2 itself
    assert schema_has(v11, "domains", UNKNOWN)  # 1.1.2-1.1.11 may be in force
    assert not schema_has("pacemaker-next", "domains")
    assert not schema_has(v11, "tags", exact("1.1.11"))
    assert schema_has(v11, "tags", exact("1.1.12"))
    assert not schema_has(v11, "rsc-pattern", exact("1.1.10"))
    assert schema_has(v11, "rsc-pattern", exact("1.1.11"))
    assert schema_has(v11, "rsc-pattern", exact("1.1.12"))
    assert not schema_has(v11, "location-set", exact("1.1.11"))
    assert schema_has(v11, "location-set", exact("1.1.12"))
    # pacemaker-1.2 grew: its location sets came with 1.1.12
    assert not schema_has("pacemaker-1.2", "location-set", exact("1.1.11"))
    assert schema_has("pacemaker-1.2", "location-set", UNKNOWN)
    # and what the numbered schemas take
    assert not schema_has("pacemaker-2.5", "rsc-pattern") and schema_has(
        "pacemaker-2.6", "rsc-pattern"
    )
    assert schema_has("pacemaker-next", "instance") and not schema_has("pacemaker-3.9", "instance")


DOMAINS = (
    '    <domains>\n      <domain id="big">\n        <node name="alpha" score="100"/>\n'
    "      </domain>\n    </domains>"
)


def test_cb023_domains_by_release(tmp_path: Path) -> None:
    """``<domains>`` is what pacemaker-1.1 had (1.1.2 to 1.1.11) and pacemaker-next did
    not: a pacemaker-1.1 CIB holding it runs on 1.1.10 and is refused from 1.1.12 on; a
    pacemaker-1.2 CIB is refused everywhere. crm_verify 2.1.5: "Element configuration has
    extra content: domains", "config not valid"; under ``validate-with="none"`` it
    passes (no error). Lint said nothing of it in any schema."""
    own = small(tmp_path, vw="pacemaker-1.1", extra=DOMAINS, name="own.xml")
    assert found(own, "CB023", "pacemaker=1.1.10") == []
    [(code, severity, message)] = found(own, "CB023", "pacemaker=1.1.12")
    assert (code, severity) == ("CB023", "error") and "<domains>" in message, message
    assert found(own, "CB023") == []  # release unknown: 1.1.2-1.1.11 may run it
    later = small(tmp_path, vw="pacemaker-1.2", dc="2.1.5-a3f44794f94", extra=DOMAINS)
    [(code, severity, message)] = found(later, "CB023")
    assert "pacemaker-1.2's schema refuses <domains>" in message
    rc, out = crm_verify_file(later)
    assert rc != 0 and "extra content: domains" in out and "config not valid" in out, out
    loose = small(tmp_path, vw="none", dc="2.1.5-a3f44794f94", extra=DOMAINS, name="none.xml")
    assert found(loose, "CB023") == []
    rc, out = crm_verify_file(loose)
    assert "config not valid" not in out and "domains" not in out, out


BAD_PATTERN = '      <rsc_location id="keep-off" rsc-pattern="(ww" node="beta" score="-INFINITY"/>'


@pytest.mark.parametrize(
    "release,cb029,cb023",
    [("1.1.10", False, True), ("1.1.11", True, False), ("1.1.12", True, False)],
)
def test_cb029_rsc_pattern_in_a_pacemaker_1_1_cib(
    tmp_path: Path, release: str, cb029: bool, cb023: bool
) -> None:
    """pacemaker-1.1 of 1.1.11 takes ``rsc-pattern`` and 1.1.11's ``unpack_location``
    compiles it ("Bad regex '%s' for constraint '%s'", pengine/constraints.c line 370):
    the bad pattern is CB029's. On 1.1.10 the schema refuses the attribute (constraints-1.1.rng
    at that tag: ``rsc`` only): the CIB is not loaded at all (CB023), CB029 stays out."""
    path = small(tmp_path, vw="pacemaker-1.1", constraints=BAD_PATTERN)
    assert bool(found(path, "CB029", f"pacemaker={release}")) is cb029
    refused = found(path, "CB023", f"pacemaker={release}")
    assert bool(refused) is cb023, refused
    if cb023:
        assert "rsc-pattern" in refused[0][2]


INSTANCE = (
    '      <rsc_colocation id="with-one" rsc="www" with-rsc="cl-ping" with-rsc-instance="1"'
    ' score="INFINITY"/>'
)


def test_cb023_instance_attributes_only_in_pacemaker_next(tmp_path: Path) -> None:
    """``with-rsc-instance`` (and rsc-instance, first-instance, then-instance) is in
    constraints-next.rng of 2.1.5 and in no numbered schema: crm_verify 2.1.5 refuses it
    in a pacemaker-3.9 CIB ("Invalid attribute with-rsc-instance for element
    rsc_colocation", "config not valid") and only warns under pacemaker-next ("Support
    for with-rsc-instance is deprecated", pcmk_sched_colocation.c line 544)."""
    numbered = small(tmp_path, vw="pacemaker-3.9", dc="2.1.5-a3f44794f94", constraints=INSTANCE)
    [(_, severity, message)] = found(numbered, "CB023")
    assert severity == "error" and "with-rsc-instance" in message
    rc, out = crm_verify_file(numbered)
    assert rc != 0
    assert "Invalid attribute with-rsc-instance" in out and "config not valid" in out, out
    nxt = small(tmp_path, vw="pacemaker-next", constraints=INSTANCE, name="next.xml")
    assert found(nxt, "CB023") == []
    _, out = crm_verify_file(nxt)
    assert "config not valid" not in out, out


RSC_DEFAULTS_IA = (
    '    <rsc_defaults>\n      <instance_attributes id="rd-ia">\n'
    '        <nvpair id="rd-ia-conf" name="config" value="/etc/app.conf"/>\n'
    "      </instance_attributes>\n    </rsc_defaults>"
)


def test_cb023_instance_attributes_in_rsc_defaults(tmp_path: Path) -> None:
    """No schema ever took ``instance_attributes`` in ``rsc_defaults`` (options-*.rng at
    2.1.5 and 3.0.0; Pacemaker 3.0's commit e043f330: "This was possible only with schema
    validation disabled"). crm_verify 2.1.5 on pacemaker-1.2: "Extra element rsc_defaults
    in interleave", "config not valid"."""
    path = small(tmp_path, vw="pacemaker-1.2", dc="2.1.5-a3f44794f94", extra=RSC_DEFAULTS_IA)
    [(_, severity, message)] = found(path, "CB023")
    assert severity == "error" and "instance_attributes in rsc_defaults" in message
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out, out


# -- 2. CB032: the rest of what Pacemaker 3.0 dropped ------------------------------------

NAGIOS_TEMPLATE = """      <template id="tpl-check" class="nagios" type="check_tcp">
        <operations><op id="tpl-check-mon" name="monitor" interval="30s"/></operations>
      </template>
      <primitive id="check-db" template="tpl-check"/>"""


def test_cb032_nagios_template_and_the_primitive_made_from_it(tmp_path: Path) -> None:
    """upgrade-3.10-4.xsl at tag Pacemaker-3.0.0: ``$dropped_templates`` are the
    templates whose class is nagios or upstart ("Dropping template ... because ...
    resources are no longer supported") and ``$dropped_primitives`` takes every
    primitive whose ``@template`` names one. The primitive was already reported; the
    template itself was not. In a pacemaker-4.0 CIB the template's class is refused
    (resources-4.0.rng ``element-template`` refers to ``element-resource-class``)."""
    path = small(tmp_path, vw="pacemaker-3.9", resources=NAGIOS_TEMPLATE)
    got = {m.split(": ")[0]: s for _, s, m in found(path, "CB032", "pacemaker=3.0")}
    assert got == {
        "template 'tpl-check' (class nagios)": "warning",
        "primitive 'check-db' (class nagios)": "error",
    }, got
    four = small(tmp_path, vw="pacemaker-4.0", resources=NAGIOS_TEMPLATE, name="4.xml")
    refused = [m for _, s, m in found(four, "CB032") if "schema refuses" in m and s == "error"]
    assert len(refused) == 2, refused
    assert found(path, "CB032", "pacemaker=2.1") == []


ORDER_INSTANCE = '      <rsc_order id="ping-first" first="cl-ping" first-instance="0" then="www"/>'


def test_cb032_instance_options_in_a_schema_less_cib(tmp_path: Path) -> None:
    """2.1.5 reads ``first-instance`` (pcmk_sched_ordering.c line 443, with a
    deprecation warning at 252) and ``with-rsc-instance`` (pcmk_sched_colocation.c line
    529); ``git grep first-instance Pacemaker-3.0.0 -- lib/pacemaker`` finds nothing:
    3.0 ignores them and the order holds for the whole clone. Only a ``none`` (or
    pacemaker-next) CIB can hold them; crm_verify 2.1.5 takes the ``none`` one with a
    warning. In a pacemaker-3.9 CIB they are CB023's (schema), not CB032's too."""
    path = small(tmp_path, vw="none", constraints=ORDER_INSTANCE + "\n" + INSTANCE)
    got = found(path, "CB032", "pacemaker=3.0")
    assert sorted((s, m.split(": ")[0]) for _, s, m in got) == [
        ("warning", "rsc_colocation 'with-one' with-rsc-instance"),
        ("warning", "rsc_order 'ping-first' first-instance"),
    ], got
    assert all("whole clone" in m for _, _, m in got)
    assert [s for _, s, _ in found(path, "CB032")] == ["info", "info"]  # release unknown
    _, out = crm_verify_file(path)
    assert "config not valid" not in out, out
    nxt = small(tmp_path, vw="pacemaker-next", constraints=ORDER_INSTANCE, name="n.xml")
    assert [s for _, s, _ in found(nxt, "CB032")] == ["info"]
    assert found(nxt, "CB032", "pacemaker=3.0") == []  # 3.0 refuses the name: CB031
    numbered = small(tmp_path, vw="pacemaker-3.9", constraints=ORDER_INSTANCE, name="39.xml")
    assert found(numbered, "CB032", "pacemaker=3.0") == []
    assert [c for c, _, _ in found(numbered, "CB023")] == ["CB023"]


def test_cb032_rsc_defaults_instance_attributes(tmp_path: Path) -> None:
    """Pacemaker 3.0's commit e043f330 ("scheduler: ignore instance attributes in
    rsc_defaults ... This was possible only with schema validation disabled") removed
    the ``pe__unpack_dataset_nvpairs(rsc_defaults, PCMK_XE_INSTANCE_ATTRIBUTES, ...)``
    of lib/pengine/complex.c ``get_rsc_attributes`` (2.1.5 line 217): a ``none`` CIB's
    default parameters reach no resource on 3.0. crm_verify 2.1.5 takes it."""
    path = small(tmp_path, vw="none", extra=RSC_DEFAULTS_IA)
    [(_, severity, message)] = found(path, "CB032", "pacemaker=3.0")
    assert severity == "warning" and "instance_attributes in rsc_defaults" in message
    assert found(path, "CB032", "pacemaker=2.1") == []
    _, out = crm_verify_file(path)
    assert "config not valid" not in out, out
    schema = small(tmp_path, vw="pacemaker-3.9", extra=RSC_DEFAULTS_IA, name="39.xml")
    assert found(schema, "CB032", "pacemaker=3.0") == []  # CB023's


IDREF_NAME = """      <primitive id="app" class="ocf" provider="heartbeat" type="Dummy">
        <instance_attributes id="app-ia">
          <nvpair id="app-ia-state" name="state" value="/var/run/app.state"/>
        </instance_attributes>
        <operations><op id="app-mon" name="monitor" interval="20s"/></operations>
      </primitive>
      <primitive id="app2" class="ocf" provider="heartbeat" type="Dummy">
        <instance_attributes id="app2-ia">
          <nvpair id-ref="app-ia-state" name="fake"/>
        </instance_attributes>
        <operations><op id="app2-mon" name="monitor" interval="20s"/></operations>
      </primitive>"""


@pytest.mark.parametrize(
    "vw,target,severity",
    [
        ("none", "pacemaker=3.0", "warning"),
        ("none", None, "info"),
        ("pacemaker-3.9", "pacemaker=3.0", None),
        ("pacemaker-4.0", None, "error"),
    ],
)
def test_cb032_name_beside_id_ref(
    tmp_path: Path, vw: str, target: str | None, severity: str | None
) -> None:
    """Pacemaker 3.0.0's lib/pengine/rules.c ``populate_hash`` reads name and value from
    ``pcmk__xe_resolve_idref(nvpair)`` only (2.1.5's took the reference's own name
    first): in a ``none`` CIB the value goes under the referenced name. A CIB of a
    numbered schema is first run through upgrade-3.10-0.xsl, whose ``*[@id-ref]``
    template makes such an nvpair one of its own ("behavior is preserved"): nothing to
    say. nvset-4.0.rng's nvpair is ``id-ref`` alone or ``id`` + name + value: a
    pacemaker-4.0 CIB with both is refused."""
    path = small(tmp_path, vw=vw, resources=IDREF_NAME)
    got = found(path, "CB032", *([target] if target else []))
    assert [s for _, s, _ in got] == ([severity] if severity else []), got
    if severity:
        assert "nvpair id-ref 'app-ia-state' name 'fake'" in got[0][2]


# -- 3. class="init" ----------------------------------------------------------------------

HB2_INIT = """<cib admin_epoch="0" epoch="4" num_updates="1">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="0f7c" uname="alpha" type="normal"/>
    </nodes>
    <resources>
      <primitive id="mail" class="{CLASS}" type="postfix"/>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    "rclass,expected", [("init", ["CB034"]), ("lsb", []), ("LSB", ["CB034"]), ("sysv", ["CB034"])]
)
def test_cb034_class_init_in_a_heartbeat_2_cib(tmp_path: Path, rclass: str, expected: list) -> None:
    """heartbeat 2's lrmd adds a resource only of a class it has an RAExec plugin for:
    ``on_msg_add_rsc`` walks ``ra_class_list`` and answers "RA class [%s] does not
    exist." with HA_FAIL (cluster-glue repository, lrm/lrmd/lrmd.c at tag STABLE-2.1.3
    line 2079; STABLE-2.0.8 line 2391, glue-1.0.12 line 2213, Pacemaker 1.0's lrmd). The
    plugins at those tags are lib/plugins/lrm/raexec{ocf,lsb,hb,stonith}.c: no ``init``.
    crm.dtd's ``class`` is (ocf|lsb|heartbeat|stonith) too. ``on_msg_add_rsc`` compares
    with ``strncmp``: ``LSB`` is no class there either. Lint said nothing."""
    path = tmp_path / "cib.xml"
    path.write_text(HB2_INIT.replace("{CLASS}", rclass))
    got = found(path, "CB034")
    assert [c for c, _, _ in got] == expected, got
    if got and rclass != "LSB":
        assert got[0][1] == "error" and "class lsb" in got[0][2]


def test_cb034_class_init_under_later_schemas_and_none(tmp_path: Path) -> None:
    """Pacemaker 2.1.5's executor: "Unknown resource standard: init" (lib/services/
    services.c line 322) under ``validate-with="none"``; every numbered schema refuses the
    value: crm_verify 2.1.5 "Element primitive failed to validate content", "config not
    valid". A pacemaker-1.0 CIB is left to CB023, which validates it whole."""
    init = '      <primitive id="mail" class="init" type="postfix"/>'
    numbered = small(tmp_path, vw="pacemaker-1.2", resources=init)
    [(_, severity, message)] = found(numbered, "CB034")
    assert severity == "error" and "schema refuses it" in message
    rc, out = crm_verify_file(numbered)
    assert rc != 0 and "config not valid" in out, out
    none = small(tmp_path, vw="none", resources=init, name="none.xml")
    [(_, _, message)] = found(none, "CB034")
    assert "never starts" in message
    fine = small(tmp_path, vw="pacemaker-1.2", resources=init.replace("init", "lsb"), name="ok.xml")
    assert found(fine, "CB034") == []
    # Pacemaker 2.1.5's services.c compares with strcasecmp: LSB runs under none, while
    # pacemaker-1.2's <value>lsb</value> refuses it (crm_verify: "config not valid")
    upper = init.replace("init", "LSB")
    assert found(small(tmp_path, vw="none", resources=upper, name="n2.xml"), "CB034") == []
    strict = small(tmp_path, vw="pacemaker-1.2", resources=upper, name="s.xml")
    assert [c for c, _, _ in found(strict, "CB034")] == ["CB034"]
    _, out = crm_verify_file(strict)
    assert "config not valid" in out, out
    assert found(small(tmp_path, vw="pacemaker-1.0", resources=init, name="1.xml"), "CB034") == []


# -- 5. migrate: where "heartbeat 1 fenced nothing" comes from ---------------------------


def _v1_pair(tmp_path: Path, hacf_extra: str = "") -> list[str]:
    """Two heartbeat 1 nodes (``crm off``) sharing one haresources line."""
    roots = []
    for me in ("n1", "n2"):
        d = tmp_path / me / "etc" / "ha.d"
        d.mkdir(parents=True)
        d.joinpath("ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nwarntime 5\nbcast eth0\nnode n1\nnode n2\ncrm off\n"
            + hacf_extra
        )
        d.joinpath("authkeys").write_text("auth 1\n1 sha1 s3cret\n")
        d.joinpath("haresources").write_text("n1 192.0.2.50 apache\n")
        (tmp_path / me / "etc" / "hostname").write_text(me + "\n")
        roots.append(str(tmp_path / me))
    return roots


def test_migrate_cites_ha_cf_for_the_missing_fencing(tmp_path: Path) -> None:
    """In heartbeat 1 fencing is ha.cf's ``stonith``/``stonith_host`` directives
    (heartbeat's ha.cf man page; config.c ``set_stonith_info``/``set_stonith_host_info``),
    never a haresources line: with neither, nothing fenced. The report line said
    ``haresources:1``, the first resource line, which says nothing of fencing; it now
    names ha.cf as a whole (what is missing has no line)."""
    from xencfg import migrate

    m = migrate.plan(_v1_pair(tmp_path / "in"))
    [note] = [n for n in m.notes if "fenced nothing" in n.what]
    assert note.source.endswith("etc/ha.d/ha.cf"), note.source
    assert "no stonith or stonith_host directive" in note.what
    assert "haresources" not in note.source
    # with a stonith_host line, ha.cf's line is cited and nothing says "fenced nothing"
    fenced = migrate.plan(
        _v1_pair(tmp_path / "f", "stonith_host * external/ipmi n1 192.0.2.1 admin pw lan\n")
    )
    assert not [n for n in fenced.notes if "fenced nothing" in n.what]
    [line] = [n for n in fenced.notes if "fences with" in n.what and n.source.startswith("/")]
    assert line.source.endswith("ha.cf:8"), line.source


def test_change_of_a_whole_file_renders_without_a_line() -> None:
    from xencfg.migrations import Change

    assert (
        str(Change(0, "stonith", "action", "x", "ha.cf")) == "ha.cf: the file (stonith): action: x"
    )
    assert str(Change(3, None, "info", "y")) == "line 3: info: y"


# -- Pacemaker 1.0 CIBs as crm configure wrote them --------------------------------------

#: A two-dom0 Xen cluster as Pacemaker 1.0.8's ``crm configure`` wrote it (its id scheme
#: ``RSC-instance_attributes-NAME``, ``rsc_order`` with first/then and a score,
#: ``rsc_location`` rules on ``pingd`` and ``#uname``, a ``master`` with ``master-max``
#: and ``notify``, a clone with ``globally-unique``, ``external/ipmi`` fencing, a monitor
#: with ``OCF_CHECK_LEVEL`` in the op's instance_attributes).
PM10 = Path(__file__).parent / "fixtures" / "gaps-cib" / "pacemaker10-crm.xml"


def _errors(path: Path) -> list[str]:
    return [
        f.code for f in lint.run([str(path)], force_format="cib").findings if f.severity == "error"
    ]


def test_pacemaker_1_0_crm_configure_cib_is_clean(tmp_path: Path) -> None:
    """crm_verify 2.1.5 takes it (only the deprecation of ``score`` on rsc_order and the
    fencing of nodes an empty status shows as unseen: "Warnings found"); lint finds no
    error either."""
    assert _errors(PM10) == []
    _, out = crm_verify_file(PM10)
    assert "config not valid" not in out, out


#: (name, text in PM10, as people misspelt it, crm_verify 2.1.5 refuses it): recorded
#: with crm_verify_file below; lint gives an error exactly where crm_verify refuses.
PM10_MUTANTS = [
    (
        "order-from-to",
        'first="ms-drbd0" first-action="promote" then="vm-web" then-action="start"',
        'from="vm-web" action="start" to="ms-drbd0" to_action="promote"',
        True,
    ),
    ("expr-type-integer", 'value="0" type="number"', 'value="0" type="integer"', True),
    (
        "same-interval-both-roles",
        'interval="30s" name="monitor" role="Slave"',
        'interval="15s" name="monitor" role="Slave"',
        True,
    ),
    (
        "ocf-check-level-as-op-attribute",
        'name="monitor" timeout="60s">',
        'name="monitor" timeout="60s" OCF_CHECK_LEVEL="10">',
        True,
    ),
    (
        "order-score-word",
        'then-action="start" score="INFINITY"',
        'then-action="start" score="mandatory"',
        True,
    ),
    ("role-lowercase", 'with-rsc-role="Master"', 'with-rsc-role="master"', True),
    ("expression-le", 'operation="lte" value="0"', 'operation="le" value="0"', True),
    ("master_max", 'name="master-max"', 'name="master_max"', False),
    ("globally_unique", 'name="globally-unique"', 'name="globally_unique"', False),
    ("uname-not-a-node", 'operation="eq" value="xen1"', 'operation="eq" value="xen3"', False),
    (
        "rule-score-attribute",
        '<rule id="loc-web-pref-rule" score="50">',
        '<rule id="loc-web-pref-rule" score-attribute="pingd">',
        False,
    ),
    ("clone-max-0", 'name="clone-max" value="2"', 'name="clone-max" value="0"', False),
    (
        "monitor-role-started",
        'interval="15s" name="monitor" role="Master"',
        'interval="15s" name="monitor" role="Started"',
        False,
    ),
    ("node-type-member", 'uname="xen1" type="normal"', 'uname="xen1" type="member"', False),
]


@pytest.mark.parametrize("name,old,new,refused", PM10_MUTANTS, ids=[m[0] for m in PM10_MUTANTS])
def test_pacemaker_1_0_mutants_lint_errs_where_crm_verify_refuses(
    tmp_path: Path, name: str, old: str, new: str, refused: bool
) -> None:
    text = PM10.read_text()
    assert old in text
    path = tmp_path / f"{name}.xml"
    path.write_text(text.replace(old, new, 1))
    _, out = crm_verify_file(path)
    assert ("config not valid" in out) is refused, out
    assert bool(_errors(path)) is refused, _errors(path)


def test_cb035_drbd_master_without_notify(tmp_path: Path) -> None:
    """LINBIT's scripts/drbd.ocf (drbd-utils repository; commit 0da228ae "drbd.ocf:
    enforce notify enabled", 2009-06-24, before "Preparing the 8.3.2 release") returns
    OCF_ERR_CONFIGURED from start and promote when neither OCF_RESKEY_CRM_meta_notify is
    true nor a notify variable is set: "you really should enable notify when using this
    RA". The Pacemaker 1.0 CIB without its ``notify`` nvpair passes crm_verify (which
    runs no agent) and lint said nothing. ``ignore_missing_notifications=true`` (commit
    f2061fed, 2015) lifts the check; rsc_defaults' notify counts."""
    line = '<nvpair id="ms-drbd0-meta_attributes-notify" name="notify" value="true"/>'
    text = PM10.read_text()
    assert found(PM10, "CB035") == []
    bare = tmp_path / "bare.xml"
    bare.write_text(text.replace(line, ""))
    [(_, severity, message)] = found(bare, "CB035")
    assert severity == "error" and "master 'ms-drbd0'" in message and "notify=true" in message
    assert found(bare, "CB035", "drbd=8.3.1") == []  # no ocf:linbit:drbd before 8.3.2
    off = tmp_path / "off.xml"
    off.write_text(text.replace(line, line.replace('"true"', '"false"')))
    assert [c for c, _, _ in found(off, "CB035")] == ["CB035"]
    opted = tmp_path / "opted.xml"
    opted.write_text(
        text.replace(line, "").replace(
            'value="r0"/>',
            'value="r0"/>\n            <nvpair id="drbd0-ia-imn"'
            ' name="ignore_missing_notifications" value="true"/>',
        )
    )
    assert found(opted, "CB035") == []
    default = tmp_path / "default.xml"
    default.write_text(
        text.replace(line, "").replace(
            '<nvpair id="rsc-options-resource-stickiness"',
            '<nvpair id="rsc-options-notify" name="notify" value="true"/>\n'
            '        <nvpair id="rsc-options-resource-stickiness"',
        )
    )
    assert found(default, "CB035") == []


LOCATION_SET = (
    '      <rsc_location id="both-off-beta" node="beta" score="-INFINITY">\n'
    '        <resource_set id="both-off-beta-set"><resource_ref id="www"/>'
    '<resource_ref id="cl-ping"/></resource_set>\n      </rsc_location>'
)


def test_cb023_location_set_came_to_pacemaker_1_2_with_1_1_12(tmp_path: Path) -> None:
    """constraints-1.2.rng's ``rsc_location`` gained its ``resource_set`` choice at tag
    Pacemaker-1.1.12 (``git show Pacemaker-1.1.11:xml/constraints-1.2.rng``: ``rsc``
    only); constraints-1.1.rng never had it. So a pacemaker-1.2 CIB with a location set
    is refused by 1.1.11 and taken by 1.1.12 and 2.1.5 (crm_verify: no error)."""
    path = small(tmp_path, vw="pacemaker-1.2", constraints=LOCATION_SET)
    [(_, severity, message)] = found(path, "CB023", "pacemaker=1.1.11")
    assert severity == "error" and "resource_set in rsc_location" in message
    assert found(path, "CB023", "pacemaker=1.1.12") == []
    assert found(path, "CB023") == []  # the release unknown
    _, out = crm_verify_file(path)
    assert "config not valid" not in out, out
    own = small(tmp_path, vw="pacemaker-1.1", constraints=LOCATION_SET, name="own.xml")
    assert [c for c, _, _ in found(own, "CB023", "pacemaker=1.1.10")] == ["CB023"]


BUNDLE_MASTERS = (
    '      <bundle id="db-bundle"><podman image="pcmk:db" replicas="2" masters="1"/>'
    '<network control-port="3121"/></bundle>'
)


def test_cb032_bundle_masters_refused_only_by_pacemaker_4_0(tmp_path: Path) -> None:
    """upgrade-3.10-2.xsl at Pacemaker-3.0.0 (``match="@masters"``) renames a bundle
    container's ``masters`` to ``promoted-max``: a pacemaker-3.9 CIB keeps its meaning
    on 3.0 (nothing said), while resources-4.0.rng's docker and podman take
    ``promoted-max`` only (lines 85 and 106): a pacemaker-4.0 CIB with ``masters`` is
    refused (3.0.0 ChangeLog "drop support for deprecated masters bundle option")."""
    old = small(tmp_path, vw="pacemaker-3.9", resources=BUNDLE_MASTERS)
    assert found(old, "CB032", "pacemaker=3.0") == []
    four = small(tmp_path, vw="pacemaker-4.0", resources=BUNDLE_MASTERS, name="4.xml")
    [(_, severity, message)] = found(four, "CB032")
    assert severity == "error" and "masters" in message and "promoted-max" in message
    fixed = small(
        tmp_path,
        vw="pacemaker-4.0",
        resources=BUNDLE_MASTERS.replace("masters=", "promoted-max="),
        name="ok.xml",
    )
    assert found(fixed, "CB032") == []
