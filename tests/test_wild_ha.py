"""Lint truth on hand-written DRBD, heartbeat, corosync and OCFS2 files found in public
repositories (Vagrant labs, Ansible roles, Puppet modules, Chef cookbooks, course notes).

Each test holds a minimal reproduction written for this suite (never the fetched file),
with the daemon run or source line that backs the expectation and the kind of file the
disagreement came from. Both sides are tested: the case lint got wrong, and the
neighbouring case it must keep.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import tree
from xencfg import lint

_HOSTS = (
    "  on alpha {\n    device /dev/drbd0;\n    disk /dev/sdb;\n"
    "    address 10.0.0.1:7789;\n    meta-disk internal;\n  }\n"
    "  on beta {\n    device /dev/drbd0;\n    disk /dev/sdb;\n"
    "    address 10.0.0.2:7789;\n    meta-disk internal;\n  }\n"
)


def _lint(tmp: Path, files: dict[str, str], *, select: str = "", name: str = "alpha"):
    root = tree(tmp, name, files)
    return lint.run([str(root)], select=[select] if select else ()).findings


def _codes(findings: list[lint.Finding]) -> list[tuple[str, str, int]]:
    return [(f.code, f.severity, f.line) for f in findings]


# -- DRBD: a resource or common left open at the end of the file ----------------------------


def test_drbd_resource_left_open_at_end_of_file_is_a_warning(tmp_path: Path) -> None:
    # From a Chinese RabbitMQ HA lab (currycan/rabbitmq, drbd.d/global_common.conf): its
    # 'common {' lacks the final '}'. drbdadm's parse_resource ends the section at '}' or at
    # the end of the file ('case 0:' beside "case '}':", user/v9/drbdadm_parser.c; v84's
    # alike): peer-drbdadm --mode 83, 84 and 9 all accept it, also through drbd.conf's
    # include. Lint said XC001 error, a false error: it is a warning now.
    common = "common {\n  net {\n    protocol C;\n  }\n"
    res = f"resource r0 {{\n{_HOSTS}}}\n"
    include = 'include "drbd.d/global_common.conf";\ninclude "drbd.d/*.res";\n'
    files = {
        "etc/drbd.conf": include,
        "etc/drbd.d/global_common.conf": common,
        "etc/drbd.d/r0.res": res,
    }
    found = _lint(tmp_path, files, select="XC001")
    assert _codes(found) == [("XC001", "warning", 1)]
    assert "drbdadm (8.3, 8.4 and 9) takes the end of the file" in found[0].message
    # the last resource of a file, the same
    files = {"etc/drbd.conf": f"resource r0 {{\n  protocol C;\n{_HOSTS}"}
    assert _codes(_lint(tmp_path / "b", files, select="XC001")) == [("XC001", "warning", 1)]


def test_drbd_inner_section_left_open_at_end_of_file_stays_an_error(tmp_path: Path) -> None:
    # A 'net {' (or 'on', 'disk', 'global') open at the end of the file: drbdadm refuses
    # it, "Parse error: 'an option' expected, but got ''" (peer-drbdadm --mode 84 and 9).
    for n, text in enumerate(
        (
            f"resource r0 {{\n{_HOSTS}  net {{\n    protocol C;\n",
            "global {\n  usage-count no;\n",
            f"resource r0 {{\n{_HOSTS}}}\ncommon {{\n  disk {{\n    on-io-error detach;\n",
        )
    ):
        found = _lint(tmp_path / str(n), {"etc/drbd.conf": text}, select="XC001")
        assert [f.severity for f in found] == ["error"], text


def test_drbd_foreign_file_is_refused_at_its_first_line_of_code(tmp_path: Path) -> None:
    # From a DRBD lab whose loop-device init script sat beside its .res files
    # (asapcal/codgit3-clusterdrbdgfs, loop-for-drbd.conf) and a zabbix agent file named
    # drbd.conf (amokk/zabbix-drbd): drbdadm's top-level loop refuses the first word that
    # is no top-level keyword ("Parse error: 'global | common | resource | skip | include'
    # expected, but got 'DRBD_FILEDATA_SRC'" at line 4 here, peer-drbdadm --mode 84 and 9).
    # Lint pointed at a brace of a shell function further down (line 7 here).
    script = '#!/bin/sh\n# set up the loop device\n\nIMG="/srv/drbd.img"\n\n'
    script += "start () {\n  echo up\n}\n"
    [finding] = _lint(tmp_path, {"etc/drbd.conf": script}, select="XC001")
    assert (finding.line, finding.column, finding.severity) == (4, 1, "error")
    assert "got 'IMG='" in finding.message
    agent = "UserParameter=drbd.state,/usr/local/bin/drbd-state.sh\n"
    [finding] = _lint(tmp_path / "b", {"etc/drbd.conf": agent}, select="XC001")
    assert finding.line == 1 and "got 'UserParameter=drbd.state,/u...'" in finding.message


def test_drbd_syntax_error_inside_a_resource_keeps_its_place(tmp_path: Path) -> None:
    # The other side: a file of drbd.conf words whose error is further down keeps that
    # place (drbdadm: ":5: Parse error: ';' expected, but got 'disk'").
    text = "global {\n  usage-count no;\n}\nresource r0 {\n  device /dev/drbd0\n  disk /dev/sdb;\n"
    text += _HOSTS + "}\n"
    [finding] = _lint(tmp_path, {"etc/drbd.conf": text}, select="XC001")
    assert finding.line in (5, 6) and "expected 'global'" not in finding.message


# -- templates: said once, not a pile of false findings ----------------------------------


def test_templates_are_reported_once_and_not_checked(tmp_path: Path) -> None:
    # Ansible roles (AngelFreak/ansible-role-heartbeat, thinkmassive/ansible-haproxy,
    # leucos/ansible-pacemaker-corosync, it-automationcom/itab-drbd) and Chef cookbooks
    # (chef-boneyard/heartbeat, elrido/extended_drbd) keep these files as Jinja / ERB
    # templates. Read as configs they gave up to 30 false findings each (an ha.cf.erb:
    # "udpport '<%=' is not a number", "unknown keyword '{%'"; an haresources.j2 "node {
    # has no resource"), or none at all for a haresources template. heartbeat, drbdadm
    # and corosync refuse the unrendered file (it is no config): one XC001, nothing else.
    cases = {
        "etc/ha.d/ha.cf": "udpport <%= @port %>\n<% @nodes.each do |n| -%>\nnode <%= n %>\n",
        "etc/ha.d/haresources": "{% for g in groups %}\n{{ g.node }} {{ g.ip }}\n{% endfor %}\n",
        "etc/ha.d/authkeys": "auth 1\n1 sha1 {{ hb_key }}\n",
        "etc/drbd.conf": "resource {{ r.name }} {\n  protocol C;\n}\n",
        "etc/corosync/corosync.conf": "totem {\n  version: 2\n  cluster_name: {{ name }}\n}\n",
    }
    where = {
        "ha.cf": (1, 9),
        "haresources": (1, 1),
        "authkeys": (2, 8),
        "drbd.conf": (1, 10),
        "corosync.conf": (3, 17),
    }
    for rel, text in cases.items():
        found = _lint(tmp_path / rel.replace("/", "_"), {rel: text})
        name = Path(rel).name
        assert [(f.code, f.severity, f.line, f.column) for f in found] == [
            ("XC001", "error", *where[name])
        ], rel
        assert "template, not a configuration file" in found[0].message


def test_a_loose_template_is_a_warning_and_one_in_a_node_tree_an_error(tmp_path: Path) -> None:
    # A role's templates folder holds ha.cf as meant: nothing in it is wrong, it is just
    # not checkable (a warning, so a hook over the repository stays green). The same text
    # in a node's etc/ is what heartbeat reads, unrendered: it refuses it (an error).
    role = tmp_path / "roles" / "heartbeat" / "templates"
    role.mkdir(parents=True)
    (role / "ha.cf").write_text("udpport {{ hb_port }}\nnode {{ peer }}\n")
    found = lint.run([str(role / "ha.cf")]).findings
    assert [(f.code, f.severity, f.line) for f in found] == [("XC001", "warning", 1)]
    found = _lint(tmp_path / "node", {"etc/ha.d/ha.cf": "udpport {{ hb_port }}\n"})
    assert [(f.code, f.severity, f.line) for f in found] == [("XC001", "error", 1)]


def test_a_template_marker_in_a_comment_is_no_template(tmp_path: Path) -> None:
    # The other side: '# {{ ansible_managed }}' renders to a comment line, so the file
    # around it is read as the config it is (heartbeat 3.0.6 starts with this ha.cf).
    text = "# {{ ansible_managed }}\nudpport 694\nbcast eth1\nnode alpha\nnode beta\n"
    text += "keepalive 2\ndeadtime 30\ninitdead 60\n"
    found = _lint(tmp_path, {"etc/ha.d/ha.cf": text}, select="XC001")
    assert found == []


# -- corosync: a '#' after an interface address is part of the address -------------------


def _corosync_xc005(tmp: Path, text: str) -> list[tuple[int, str]]:
    found = _lint(tmp, {"etc/corosync/corosync.conf": text}, select="XC005")
    return [(f.line, f.message.split('"')[0].strip()) for f in found]


def test_corosync_comment_after_an_interface_address(tmp_path: Path) -> None:
    # From an EC2 sample config (dekellum/syncwrap, corosync 1 udpu with member{}):
    # "bindnetaddr: 10.252.0.0 # FIXME ..." and "memberaddr: ... #FIXME". coroparse.c
    # takes '#' as a comment only at the start of a line; corosync 3.1.7 -t: "failed to
    # parse bindnet address '10.252.0.0 # FIXME: ...'" / "failed to parse mcast address";
    # corosync 1.4.10 and 2.4.6 totemconfig.c never look at totemip_parse's result, so
    # the ring binds to nothing. Lint said nothing.
    text = (
        "totem {\n  version: 2\n  transport: udpu\n  interface {\n    member {\n"
        "      memberaddr: 10.0.0.1 # first\n    }\n    member {\n      memberaddr: 10.0.0.2\n"
        "    }\n    ringnumber: 0\n    bindnetaddr: 10.0.0.0 # our net\n    mcastport: 5405\n"
        "  }\n}\n"
    )
    assert _corosync_xc005(tmp_path, text) == [
        (6, "totem.interface.member.memberaddr"),
        (12, "totem.interface.bindnetaddr"),
    ]
    multicast = (
        "totem {\n  version: 2\n  interface {\n    ringnumber: 0\n    bindnetaddr: 10.0.0.0\n"
        "    mcastaddr: 239.255.1.1 # group\n    mcastport: 5405\n  }\n}\n"
    )
    assert _corosync_xc005(tmp_path / "b", multicast) == [(6, "totem.interface.mcastaddr")]


def test_corosync_bindnetaddr_comment_with_a_nodelist_is_not_read(tmp_path: Path) -> None:
    # The other side: with a nodelist corosync takes ring0_addr instead of bindnetaddr
    # (corosync 2.4.6 config_convert_nodelist_to_interface; corosync 3.1.7 -t accepts
    # "bindnetaddr: 10.0.0.0 # net" beside a nodelist), and a comment on its own line
    # is a comment.
    text = (
        "totem {\n  version: 2\n  transport: udpu\n  interface {\n    ringnumber: 0\n"
        "    # the cluster network\n    bindnetaddr: 10.0.0.0 # net\n  }\n}\n"
        "nodelist {\n  node {\n    ring0_addr: 10.0.0.1\n    nodeid: 1\n  }\n"
        "  node {\n    ring0_addr: 10.0.0.2\n    nodeid: 2\n  }\n}\n"
    )
    assert _corosync_xc005(tmp_path, text) == []


def test_here_document_templates_and_quoted_handler_variables(tmp_path: Path) -> None:
    # A GCP SAP deployment script writes its drbd .res from a here-document
    # ("on ${VM_METADATA[...]} {", "address ${PRIMARY_NODE_IP}:7789;"), a cloud-init file
    # its OCFS2 cluster.conf ("name = ${SERVER_1_NAME}"). drbdadm 9: "Parse error:
    # 'TK_STRING | ';'' expected, but got '$'"; o2cb refuses the address (code 234).
    # Lint gave a syntax error at a brace of the placeholder, or three OC004 on the
    # addresses: now the one template finding.
    drbd = "resource r0 {\n  on ${NODE_A} {\n    address ${IP_A}:7789;\n  }\n}\n"
    [finding] = _lint(tmp_path, {"etc/drbd.conf": drbd})
    assert (finding.code, finding.line, finding.column) == ("XC001", 2, 6)
    assert "shell (here-document) template" in finding.message
    ocfs2 = "cluster:\n\tnode_count = 1\n\tname = ocfs2\n\nnode:\n\tnumber = 0\n"
    ocfs2 += "\tname = ${NODE}\n\tip_address = ${IP}\n\tip_port = 7777\n\tcluster = ocfs2\n"
    found = _lint(tmp_path / "b", {"etc/ocfs2/cluster.conf": ocfs2})
    assert [(f.code, f.line) for f in found] == [("XC001", 7)]
    # A Proxmox-style install script fills '%NODE_01%' in with sed (drbdadm 9: "Parse
    # error: 'TK_STRING | '{'' expected, but got '%'"); lint gave nine errors (DR016, XC005)
    sed = "resource r0 {\n  on %NODE_A% {\n    address %IP_A%:7789;\n    node-id 0;\n  }\n}\n"
    [finding] = _lint(tmp_path / "d", {"etc/drbd.conf": sed})
    assert (finding.code, finding.line, finding.column) == ("XC001", 2, 6)
    assert "sed (%NAME%) template" in finding.message
    # the other side: a handler's command is run by the shell, its ${...} is the shell's
    # (drbdadm passes the quoted string on; peer-drbdadm --mode 84 accepts it)
    handlers = '  handlers {\n    split-brain "/usr/lib/drbd/notify.sh ${DRBD_RESOURCE}";\n  }\n'
    text = f"resource r0 {{\n  protocol C;\n{handlers}{_HOSTS}}}\n"
    assert _lint(tmp_path / "c", {"etc/drbd.conf": text}, select="XC001") == []


# -- heartbeat: ha.cf without auto_failback ----------------------------------------------


_HB_BASE = "keepalive 2\ndeadtime 30\ninitdead 60\nudpport 694\nbcast eth1\nnode alpha\nnode beta\n"


def test_hb015_no_auto_failback_runs_legacy(tmp_path: Path) -> None:
    # From an Apache failover lab (EPNMiguel/Distribuidas, ha.cf + haresources, no
    # auto_failback): heartbeat 3.0.6 starts and logs "WARN: Deprecated 'legacy'
    # auto_failback option selected. Please convert to 'auto_failback on'." (peer run;
    # config.c: the directive table's default for auto_failback is "legacy", and the
    # warning is logged when !nice_failback && DoManageResources). Lint said nothing.
    found = _lint(tmp_path, {"etc/ha.d/ha.cf": _HB_BASE}, select="HB015")
    assert _codes(found) == [("HB015", "warning", 6)]  # at the first node line


def test_hb015_quiet_with_auto_failback_or_the_crm(tmp_path: Path) -> None:
    # The other side: 'auto_failback off' (no warning from heartbeat), and 'crm respawn'
    # (DoManageResources is false: no warning; HB011 speaks of auto_failback there).
    for n, extra in enumerate(("auto_failback off\n", "crm respawn\n", "auto_failback legacy\n")):
        found = _lint(tmp_path / str(n), {"etc/ha.d/ha.cf": _HB_BASE + extra}, select="HB015")
        assert found == [], extra


def test_drbd_placeholder_addresses_are_not_also_reused_addresses(tmp_path: Path) -> None:
    # From a dual-primary GFS lab (asapcal/codgit3-clusterdrbdgfs, r0.res): both hosts
    # say "address 10.255.255.x:7788;". drbdadm refuses the first one ("Parse error:
    # 'ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ' expected, but got '10.255.255.x'",
    # peer-drbdadm --mode 84 and 9) and compares no addresses. Lint gave XC005 on each
    # line and DR001 "already used" on top: now XC005 alone.
    hosts = _HOSTS.replace("10.0.0.1", "10.0.0.x").replace("10.0.0.2", "10.0.0.x")
    text = f"resource r0 {{\n  protocol C;\n{hosts}}}\n"
    found = _lint(tmp_path, {"etc/drbd.conf": text})
    assert sorted({f.code for f in found}) == ["XC005"] and len(found) == 2
    # the other side: a real IP twice is drbdadm's "conflicting use of IP" (DR001)
    twice = _HOSTS.replace("10.0.0.2", "10.0.0.1")
    text = f"resource r0 {{\n  protocol C;\n{twice}}}\n"
    assert [f.code for f in _lint(tmp_path / "b", {"etc/drbd.conf": text}, select="DR001")] == [
        "DR001"
    ]


def test_hb016_haresources_beside_the_crm_is_not_read(tmp_path: Path) -> None:
    # From a DRBD + heartbeat web pair (7layer-org/7layer.org: ha.cf 'crm yes' and a
    # haresources with an IPaddr/drbddisk/Filesystem group): heartbeat 3.0.6 starts and
    # logs "WARN: File /etc/ha.d//haresources exists. WARN: This file is not used because
    # pacemaker is enabled" (peer run; config.c set_pcmk_support). Lint said nothing.
    files = {
        "etc/ha.d/ha.cf": _HB_BASE + "crm yes\n",
        "etc/ha.d/haresources": "alpha IPaddr::10.0.0.50/24/eth0 drbddisk::r0\n",
    }
    found = _lint(tmp_path, files, select="HB016")
    assert _codes(found) == [("HB016", "warning", 1)]
    assert "'crm yes'" in found[0].message


def test_hb016_quiet_without_the_crm_or_without_groups(tmp_path: Path) -> None:
    # The other side: crm off reads haresources (v1); an empty haresources beside the
    # CRM runs nothing anyway (heartbeat warns of the file, but no group is lost).
    files = {
        "etc/ha.d/ha.cf": _HB_BASE + "auto_failback on\n",
        "etc/ha.d/haresources": "alpha IPaddr::10.0.0.50/24/eth0\n",
    }
    assert _lint(tmp_path, files, select="HB016") == []
    files = {"etc/ha.d/ha.cf": _HB_BASE + "crm respawn\n", "etc/ha.d/haresources": "# none\n"}
    assert _lint(tmp_path / "b", files, select="HB016") == []
