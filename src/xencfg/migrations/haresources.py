"""heartbeat 1's haresources to a heartbeat 2 CIB, with the semantics of heartbeat's
own haresources2cib.py (tools/haresources2cib.py.in, removed from Pacemaker in 2010).

Each line becomes a primitive (one resource) or a group (several, started left to
right), preferring its node with a location rule of score 100, its resources OCF
agents of the ``heartbeat`` provider where haresources2cib knew one (IPaddr,
IPaddr2, Filesystem, Xen, apache, ...: their ``::`` arguments become the agent's
parameters in haresources2cib's order), ``heartbeat`` class scripts for the other
scripts of /etc/ha.d/resource.d (drbddisk, ...), else ``lsb`` init scripts; each
gets haresources2cib's monitor operation. ids follow haresources2cib, so its
``#rsc_order`` comment lines still name the right resources.

Where this differs from haresources2cib, on purpose and reported:
``drbddisk::RES`` becomes a master/slave ``ocf:linbit:drbd`` that the rest of its
line follows (colocated with the Master, started after the promotion), kept off the
members drbd.conf gives no disk for RES (haresources2cib kept the heartbeat script,
which Pacemaker 2 cannot run);
``auto_failback off`` becomes a resource stickiness above the location score (it
wrote 0 whatever ha.cf said, so resources failed back); ``stonith_host`` lines become
stonith resources where :data:`STONITH_PARAMS` knows the plugin's parameter names
(haresources2cib ran ``stonith -n`` on the converting host for them; the table holds
what cluster-glue's ``stonith -t TYPE -n`` prints), the others are reported, and
stonith stays *enabled*, so nothing starts before fencing is configured; without any,
fencing stays off as heartbeat 1 had it, with an action line. The result is then converted like any
heartbeat 2 CIB (:func:`xencfg.formats.cib.convert.convert`).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .._lazy import etree
from ..formats.cib.constraints import add_node_rule
from ..formats.lines.haresources import Group, HaresourcesDocument, Resource
from ..syntax.numbers import decimal, is_decimal
from . import Change, Converted

#: haresources2cib's OCF agents: parameter names in the order of the ``::`` arguments,
#: and the monitor's interval and timeout.
OCF: dict[str, tuple[tuple[str, ...], str, str]] = {
    "apache": (("configfile", "httpd", "port", "statusurl", "options", "testregex"), "120s", "60s"),
    "IPaddr": (("ip", "cidr_netmask", "nic", "broadcast"), "5s", "5s"),
    "IPaddr2": (("ip", "cidr_netmask", "nic", "broadcast"), "5s", "5s"),
    "Filesystem": (("device", "directory", "fstype", "options"), "120s", "60s"),
    "IPsrcaddr": (("ipaddress",), "5s", "5s"),
    "IPv6addr": (("ipv6addr", "cidr_netmask", "nic"), "5s", "5s"),
    "LVM": (("volgrpname",), "120s", "60s"),
    "MailTo": (("email", "subject"), "120s", "60s"),
    "Delay": (("startdelay", "stopdelay", "mondelay"), "120s", "60s"),
    "portblock": (("protocol", "portno", "action"), "120s", "60s"),
    "Raid1": (("raidconf", "raiddev", "homehost"), "120s", "60s"),
    "SendArp": (("ip", "nic"), "120s", "60s"),
    # (resource-agents' ldirectord/OCF/ldirectord.in: monitor interval 20, timeout 10)
    "ldirectord": (("configfile",), "20s", "10s"),
    "Xinetd": (("service",), "120s", "60s"),
    "Xen": (("xmfile",), "120s", "60s"),
    "mysql": (("binary", "config", "datadir", "user", "group", "log", "pid"), "120s", "60s"),
    "pgsql": (("pgctl", "start_opt", "ctl_opt", "psql", "pgdata", "pgdba"), "120s", "60s"),
    "tomcat": (("tomcat_name", "script_log"), "120s", "60s"),
    "AudibleAlarm": (("nodelist",), "120s", "60s"),
    "db2": (("instance", "admin"), "120s", "60s"),
    "oracle": (("sid", "home", "user", "ipcrm"), "120s", "60s"),
    "oralsnr": (("sid", "home", "user", "listener"), "120s", "60s"),
}
#: heartbeat 2's /etc/ha.d/resource.d scripts that have no OCF agent of that name.
#: (heartbeat 3.0.6 ships drbdupper, the stacked-DRBD drbddisk, and ids as well)
RESOURCE_D = frozenset(
    {"drbddisk", "drbdupper", "ICP", "ids", "LinuxSCSI", "ServeRAID", "WAS", "WinPopup"}
)
#: A stickiness above the location score (100) keeps a resource where it runs.
NO_FAILBACK = "INFINITY"


@attrs.define
class _Builder:
    doc: HaresourcesDocument
    node_count: int
    changes: list[Change] = attrs.Factory(list)
    used: set[str] = attrs.Factory(set)
    #: DRBD resource name -> the hosts its ``on`` sections name (from drbd.conf)
    drbd_hosts: dict[str, list[str]] = attrs.Factory(dict)
    #: the cluster's members (ha.cf's ``node`` names)
    members: list[str] = attrs.Factory(list)
    #: DRBD resource name -> the id of its master/slave resource
    masters: dict[str, str] = attrs.Factory(dict)

    def note(self, line: int, key: str | None, severity: str, message: str) -> None:
        self.changes.append(Change(line, key, severity, message))

    def note_at(self, line: int, path: str | None, key: str, severity: str, message: str) -> None:
        """A line on another file than haresources (``path``: ha.cf; None: haresources)."""
        self.changes.append(Change(line, key, severity, message, path))

    def line_of(self, group: Group) -> int:
        return self.doc.position(group.entries[0])[0]

    def unique(self, wanted: str) -> str:
        name = re.sub(r"[^A-Za-z0-9_.:-]", "_", wanted) or "resource"
        out, n = name, 2
        while out in self.used:
            out, n = f"{name}_{n}", n + 1
        self.used.add(out)
        return out

    def primitive(self, parent: Any, res: Resource, index: int, given: str, line: int) -> str:
        """One resource, haresources2cib's id and class (cib_resource())."""
        kind = res.type
        if given:
            rid = given
        elif kind == "IPaddr" and res.args:
            rid = "IPaddr_" + res.args[0].split("/")[0].replace(".", "_")
        else:
            rid = f"{kind}_{index}"
        rid = self.unique(rid)
        el = etree.SubElement(parent, "primitive", id=rid, type=kind)
        if kind == "OCF" and len(res.args) >= 2 and res.args[0]:
            # resource.d/OCF AGENT INSTANCE: the agent with the variables of
            # /etc/ha.d/conf/OCF/AGENT/INSTANCE (a shell file it sources)
            agent, instance = res.args[0], res.args[1]
            el.set("type", agent)
            el.set("class", "ocf")
            el.set("provider", "heartbeat")
            ops = etree.SubElement(el, "operations")
            etree.SubElement(
                ops, "op", id=f"{rid}_mon", name="monitor", interval="120s", timeout="60s"
            )
            self.note(
                line,
                "OCF",
                "action",
                f"OCF::{agent}::{instance} -> ocf:heartbeat:{agent}: heartbeat's resource.d/"
                f"OCF took the agent's parameters from /etc/ha.d/conf/OCF/{agent}/{instance}"
                " (its VAR=value lines), which this conversion does not read: add them as "
                f"instance attributes of {rid} (crm_resource --set-parameter), and the "
                "provider if the agent is not heartbeat's",
            )
            return rid
        # (a script's: no parameter names, heartbeat's monitor interval and timeout)
        names: tuple[str, ...] = ()
        interval, timeout = "120s", "60s"
        params: list[str | None] = list(res.args)
        if kind in OCF:
            el.set("class", "ocf")
            el.set("provider", "heartbeat")
            names, interval, timeout = OCF[kind]
            if kind.startswith("IPaddr") and res.args:
                params = self.ip_params(res, line)
            else:
                params = self.wrapper_params(res, line, params)
        elif kind in RESOURCE_D:
            el.set("class", "heartbeat")
            self.note(
                line,
                kind,
                "warning",
                f"{kind} is a heartbeat resource.d script: Pacemaker 2 and later no longer "
                "run the heartbeat class"
                + (
                    "; a bare drbddisk promotes every DRBD resource: use one master/slave "
                    "ocf:linbit:drbd per resource with the group colocated with its master "
                    "(DRBD user's guide), as drbddisk::NAME becomes"
                    if kind == "drbddisk"
                    else ""
                ),
            )
        elif ":" in kind:
            # 'ocf:heartbeat:Filesystem::/dev/drbd0::/srv': ResourceManager looked the name
            # up as a script in resource.d and init.d, where no 'ocf:heartbeat:X' is: it
            # never started; heartbeat's own way to run an OCF agent is 'OCF::X::INSTANCE'
            el.set("class", "lsb")
            self.note(
                line,
                kind,
                "action",
                f"{kind}: heartbeat 1 had no script of that name (resource.d and init.d hold"
                " none with ':' in it), so this resource never started; kept as"
                f" lsb:{kind}, which Pacemaker cannot start either: write the primitive"
                " this line meant (heartbeat ran an OCF agent as OCF::AGENT::INSTANCE)",
            )
        else:
            el.set("class", "lsb")
            # ResourceManager's we_own_resource read 'SCRIPT status' by its words
            # ("running", "OK"); Pacemaker's lsb class by the exit code (LSB: 3 stopped)
            self.note(
                line,
                kind,
                "warning",
                f"{kind} becomes lsb:{kind} (an /etc/init.d script): heartbeat 1 read its "
                "status by the words it printed ('running', 'OK'), Pacemaker reads the exit "
                f"code: '/etc/init.d/{kind} status; echo $?' with the service stopped must "
                "print 3, or Pacemaker's probes find it active on every node",
            )
            if any(res.args):
                # ResourceManager's doscript: "$spath $arg $2", the arguments before the
                # action; Pacemaker's lsb class runs the script with the action alone
                given = " ".join(a for a in res.args if a)
                self.note(
                    line,
                    kind,
                    "action",
                    f"{kind}::{'::'.join(res.args)}: heartbeat ran '{kind} {given} start' "
                    f"(arguments before the action); Pacemaker runs an lsb resource as "
                    f"'/etc/init.d/{kind} start' and passes no arguments (the instance "
                    f"attributes kept from haresources2cib are not read): build '{given}' "
                    "into the script or write an OCF agent that takes it",
                )
        ops = etree.SubElement(el, "operations")
        etree.SubElement(
            ops, "op", id=f"{rid}_mon", name="monitor", interval=interval, timeout=timeout
        )
        pairs = [(n, v) for n, v in zip(names, params, strict=False) if v is not None]
        if len(params) > len(names) and names:
            # haresources2cib joined what is left into the last parameter
            pairs[-1] = (names[-1], " ".join(p for p in params[len(names) - 1 :] if p))
            self.note(
                line,
                kind,
                "action",
                f"{kind}::{'::'.join(res.args)}: {len(params)} arguments for the "
                f"{len(names)} parameter(s) of {kind} ({', '.join(names)}): the last ones "
                f"are joined into {pairs[-1][0]}='{pairs[-1][1]}', as haresources2cib did; "
                "the agent reads that as one value: set it right",
            )
        if not names:
            pairs = [(str(i), v) for i, v in enumerate(params, start=1) if v is not None]
        if kind == "IPaddr2" and pairs and ":" not in str(pairs[0][1]):
            # heartbeat's resource.d/IPaddr2 exported OCF_RESKEY_lvs_support=1 (IPaddr: 0);
            # the agent's default is false, and it refuses it on IPv6
            pairs.append(("lvs_support", "true"))
            self.note(
                line,
                kind,
                "info",
                f"{kind}::{res.args[0]}: lvs_support=true, as heartbeat's resource.d/IPaddr2 "
                "ran the agent (an address also on lo, LVS direct routing, is taken off lo "
                "at start and put back at stop; nothing changes otherwise)",
            )
        if kind == "Xen" and pairs and not str(pairs[0][1]).startswith("/"):
            # resource-agents' Xen (4.12) checks [ -f "$OCF_RESKEY_xmfile" ] before
            # 'xm/xl create': a name relative to /etc/xen never starts
            self.note(
                line,
                kind,
                "action",
                f"Xen::{pairs[0][1]}: xmfile '{pairs[0][1]}' is not an absolute path: the "
                "Xen agent tests that the file exists before it starts the domU (start "
                "fails: 'Config file ... does not exist'): give the full path "
                f"(/etc/xen/{pairs[0][1]}?)",
            )
        if pairs:
            inst = etree.SubElement(el, "instance_attributes", id=f"{rid}_inst_attr")
            attrs_el = etree.SubElement(inst, "attributes")
            for i, (name, value) in enumerate(pairs):
                etree.SubElement(
                    attrs_el, "nvpair", id=f"{rid}_attr_{i}", name=name, value=str(value)
                )
        return rid

    def ip_params(self, res: Resource, line: int) -> list[str | None]:
        """ip, cidr_netmask, nic, broadcast of an IPaddr/IPaddr2 argument; a dotted-quad
        netmask is written as its prefix length (findif.sh converts it, logging
        "Please convert dotted quad netmask ... to CIDR notation")."""
        params = _ip_params(res.args[0])
        mask = params[1]
        if mask is not None and _dotted(mask):
            bits = _mask_bits(mask)
            if bits is None:
                self.note(
                    line,
                    res.type,
                    "action",
                    f"{res.type}::{res.args[0]}: netmask {mask} is not contiguous: "
                    "resource-agents' findif.sh refuses it ('Bogus netmask'): give "
                    "cidr_netmask as a prefix length",
                )
            else:
                params[1] = str(bits)
                self.note(
                    line,
                    res.type,
                    "info",
                    f"{res.type}::{res.args[0]}: netmask {mask} -> cidr_netmask {bits} "
                    "(heartbeat's wrapper passed the field after the address as the "
                    "netmask; today's agent wants a prefix length)",
                )
        return params

    def wrapper_params(
        self, res: Resource, line: int, params: list[str | None]
    ) -> list[str | None]:
        """The parameters heartbeat's resource.d wrapper (heartbeat 3.0.6) handed the
        OCF agent where they are not the ``::`` arguments one by one: SendArp and
        IPv6addr split ``ADDRESS/...`` at ``/`` (SendArp: ip, nic; IPv6addr: ipv6addr,
        cidr_netmask, nic), and Delay without arguments started with 10 s (the agent's
        own default is 20)."""
        if res.type in ("SendArp", "IPv6addr") and any(params[1:]):
            self.note(
                line,
                res.type,
                "action",
                f"{res.type}::{'::'.join(res.args)}: not carried: the arguments after "
                f"the first ({'::'.join(a for a in res.args[1:] if a)}); the agent takes "
                "ADDRESS/.../NIC in the first, and haresources splits its arguments at "
                "'::', so an IPv6 address written with '::' is cut there: write the "
                "address in full",
            )
        if res.type == "SendArp" and params and params[0]:
            ip, _, nic = params[0].partition("/")
            return [ip, nic or None]
        if res.type == "IPv6addr" and params and params[0]:
            parts = params[0].split("/")
            return [parts[0], *(p or None for p in parts[1:3])]
        if res.type == "ldirectord":
            # ldirectord (ldirectord.in, its argument handling) opens a bare name as
            # /etc/ha.d/NAME, else /etc/ha.d/conf/NAME; the OCF agent tests
            # [ -f $OCF_RESKEY_configfile ] as given, so it needs the path
            name = params[0] if params and params[0] else None
            bare = name is not None and "/" not in name
            self.note(
                line,
                "ldirectord",
                "info",
                "ldirectord -> ocf:heartbeat:ldirectord (resource-agents' agent: it runs "
                "/usr/sbin/ldirectord, which the ldirectord package installs)"
                + (
                    f"; {name} -> configfile /etc/ha.d/{name}: ldirectord read a bare name "
                    f"from /etc/ha.d/, else /etc/ha.d/conf/ (if only /etc/ha.d/conf/{name} "
                    "exists, set configfile to it); the agent needs the whole path"
                    if bare
                    else ""
                ),
            )
            if bare:
                return [f"/etc/ha.d/{name}"]
        if res.type == "Delay" and not any(params):
            self.note(
                line,
                "Delay",
                "info",
                "Delay without arguments: startdelay 10, as heartbeat's resource.d/Delay "
                "set it (the OCF agent's default is 20)",
            )
            return ["10"]
        return params

    def master(self, resources: Any, constraints: Any, name: str, line: int) -> str:
        """The master/slave ``ocf:linbit:drbd`` resource for DRBD resource ``name``
        (made once): what ``drbddisk::NAME`` did (promote NAME where the group runs),
        as the DRBD user's guide configures it for Pacemaker."""
        if name in self.masters:
            return self.masters[name]
        ms_id = self.unique(f"ms_drbd_{name}")
        rid = self.unique(f"drbd_{name}")
        # heartbeat 2 defaults globally_unique to true and notify to false (crm.dtd);
        # the drbd agent needs notifications and anonymous instances
        ms = etree.SubElement(
            resources, "master_slave", id=ms_id, notify="true", globally_unique="false"
        )
        inst = etree.SubElement(ms, "instance_attributes", id=f"{ms_id}_inst_attr")
        pairs = etree.SubElement(inst, "attributes")
        for i, (key, value) in enumerate(
            (
                ("clone_max", "2"),
                ("clone_node_max", "1"),
                ("master_max", "1"),
                ("master_node_max", "1"),
            ),
            start=1,
        ):
            etree.SubElement(pairs, "nvpair", id=f"{ms_id}_attr_{i}", name=key, value=value)
        el = etree.SubElement(
            ms, "primitive", id=rid, type="drbd", provider="linbit", attrib={"class": "ocf"}
        )
        ops = etree.SubElement(el, "operations")
        for role, interval in (("Master", "29s"), ("Slave", "31s")):
            etree.SubElement(
                ops,
                "op",
                id=f"{rid}_mon_{role.lower()}",
                name="monitor",
                interval=interval,
                timeout="20s",
                role=role,
            )
        inst = etree.SubElement(el, "instance_attributes", id=f"{rid}_inst_attr")
        etree.SubElement(
            etree.SubElement(inst, "attributes"),
            "nvpair",
            id=f"{rid}_attr_0",
            name="drbd_resource",
            value=name,
        )
        self.masters[name] = ms_id
        self.note(
            line,
            "drbddisk",
            "info",
            f"drbddisk::{name} -> master/slave {ms_id} (ocf:linbit:drbd, drbd_resource="
            f"{name}): Pacemaker promotes {name} where the resources that needed it run",
        )
        # (a short name matches an FQDN section, as drbdadm matches them)
        hosts = {_short(h) for h in self.drbd_hosts.get(name, [])}
        others = [m for m in self.members if _short(m) not in hosts]
        if hosts and others and len(others) < len(self.members):
            # DRBD 8 has two peers: the other members have no disk for NAME
            loc = etree.SubElement(
                constraints, "rsc_location", id=f"rsc_location_{ms_id}", rsc=ms_id
            )
            rule = etree.SubElement(
                loc, "rule", id=f"{ms_id}_no_disk", score="-INFINITY", boolean_op="or"
            )
            for i, node in enumerate(others):
                etree.SubElement(
                    rule,
                    "expression",
                    id=f"{ms_id}_no_disk_expr_{i}",
                    attribute="#uname",
                    operation="eq",
                    value=node,
                )
            self.note(
                line,
                ms_id,
                "info",
                f"{ms_id} never runs on {', '.join(others)} (drbd.conf has no 'on' section "
                f"for {name} there)",
            )
        elif len(self.members) > 2:
            self.note(
                line,
                ms_id,
                "action",
                f"{len(self.members)} members but DRBD resource {name} has two peers and no "
                f"drbd.conf here names them: add a -INFINITY location for {ms_id} on the "
                "other members",
            )
        return ms_id

    def drbd_names(self, res: Resource, node: str, line: int | None = None) -> list[str]:
        """The DRBD resources ``res`` promotes: NAME of ``drbddisk::NAME``; for a bare
        ``drbddisk`` (its script runs ``drbdadm primary all``) every resource drbd.conf
        gives the line's node (a report line when ``line`` is given); none for others,
        or when no drbd.conf is known (the script is kept, with a TODO)."""
        name = _drbd_name(res)
        if name is not None:
            return [name]
        if res.type != "drbddisk" or not self.drbd_hosts:
            return []
        mine = sorted(
            r for r, hosts in self.drbd_hosts.items() if _short(node) in map(_short, hosts)
        )
        if line is not None and mine:
            self.note(
                line,
                "drbddisk",
                "info",
                f"a bare drbddisk promotes every DRBD resource of the node (drbdadm primary "
                f"all): {', '.join(mine)} in {node}'s drbd.conf, each a master/slave below",
            )
        return mine

    def master_location(self, constraints: Any, ms_id: str, node: str) -> None:
        """A line of drbddisk alone: promote on its node (score 100, as the location
        haresources2cib gives a resource)."""
        loc = etree.SubElement(
            constraints, "rsc_location", id=f"rsc_location_{ms_id}_master", rsc=ms_id
        )
        rule = etree.SubElement(
            loc, "rule", id=f"prefered_location_{ms_id}", score="100", role="Master"
        )
        etree.SubElement(
            rule,
            "expression",
            id=f"prefered_location_{ms_id}_expr",
            attribute="#uname",
            operation="eq",
            value=node,
        )

    def needs_master(self, constraints: Any, rid: str, ms_id: str) -> None:
        """``rid`` runs with ``ms_id``'s master and starts after its promotion (what its
        place after drbddisk in the haresources line meant)."""
        etree.SubElement(
            constraints,
            "rsc_colocation",
            id=f"colocation_{rid}_{ms_id}",
            attrib={"from": rid, "to": ms_id, "to_role": "Master", "score": "INFINITY"},
        )
        etree.SubElement(
            constraints,
            "rsc_order",
            id=f"order_{rid}_{ms_id}",
            attrib={
                "from": rid,
                "action": "start",
                "type": "after",
                "to": ms_id,
                "to_action": "promote",
            },
        )

    def location(self, constraints: Any, rid: str, node: str) -> None:
        """haresources2cib's cib_rsc_location(): prefer the line's node, score 100."""
        loc = etree.SubElement(constraints, "rsc_location", id=f"rsc_location_{rid}", rsc=rid)
        rule_id = f"prefered_location_{rid}"
        add_node_rule(loc, rule_id, f"{rule_id}_expr", "100", node)


#: cluster-glue STONITH plugins (``stonith -L`` of cluster-glue 1.0.12, but suicide): their
#: parameter names in the order ``stonith -t TYPE -n`` prints them, which is the order in
#: which heartbeat handed a ``stonith_host`` line's values to the plugin (the last name
#: takes the rest of them).
STONITH_PARAMS: dict[str, tuple[str, ...]] = {
    "apcmaster": ("ipaddr", "login", "password"),
    "apcmastersnmp": ("ipaddr", "port", "community"),
    "apcsmart": ("ttydev", "hostlist"),
    "baytech": ("ipaddr", "login", "password"),
    "bladehpi": ("entity_root",),
    "cyclades": ("ipaddr", "login", "serialport"),
    "drac3": ("host", "login", "password"),
    "external/drac5": ("hostname", "ipaddr", "userid"),
    "external/dracmc-telnet": (
        "nodename",
        "cyclades_ip",
        "cyclades_port",
        "servername",
        "username",
        "password",
    ),
    "external/hetzner": ("hostname", "remote_ip"),
    "external/hmchttp": ("hostlist", "hmc_ipaddr", "user", "password"),
    "external/ibmrsa": ("hostname", "ipaddr", "userid", "passwd", "type"),
    "external/ibmrsa-telnet": ("nodename", "ip_address", "username", "password"),
    "external/ipmi": ("hostname", "ipaddr", "userid", "passwd", "interface"),
    "external/ippower9258": ("deviceip", "username", "password", "hostlist"),
    "external/kdumpcheck": ("hostlist", "identity_file"),
    "external/libvirt": ("hostlist", "hypervisor_uri", "reboot_method"),
    "external/nut": (
        "hostname",
        "ups",
        "username",
        "password",
        "poweron",
        "poweroff",
        "reset",
        "statusvar",
        "upscmd",
        "upsc",
    ),
    "external/rackpdu": ("hostlist", "pduip", "community"),
    "external/riloe": (
        "hostlist",
        "ilo_hostname",
        "ilo_user",
        "ilo_password",
        "ilo_can_reset",
        "ilo_protocol",
        "ilo_powerdown_method",
        "ilo_proxyhost",
        "ilo_proxyport",
    ),
    "external/ssh": ("hostlist",),
    "external/vcenter": (
        "VI_SERVER",
        "VI_PORTNUMBER",
        "VI_PROTOCOL",
        "VI_SERVICEPATH",
        "VI_CREDSTORE",
        "HOSTLIST",
        "RESETPOWERON",
    ),
    "external/vmware": ("device_host",),
    "external/xen0": ("hostlist", "dom0"),
    "external/xen0-ha": ("hostlist", "dom0_cluster_ip", "timeout"),
    "ibmhmc": ("ipaddr",),
    "ipmilan": ("hostname", "ipaddr", "port", "auth", "priv", "login", "password", "reset_method"),
    "meatware": ("hostlist",),
    "null": ("hostlist",),
    "nw_rpc100s": ("ttydev", "hostlist"),
    "rcd_serial": ("hostlist", "ttydev", "dtr_rts", "msduration"),
    "rps10": ("serial_to_targets",),
    "ssh": ("hostlist",),
    "wti_mpc": ("ipaddr", "port", "community", "mib-version"),
    "wti_nps": ("ipaddr", "password"),
}


def stonith_devices(hacf: Any) -> list[dict[str, Any]]:
    """ha.cf's fencing devices (:attr:`HacfDocument.stonith`), each marked ``file`` when
    its parameters are in a file (``stonith TYPE FILE``) rather than on the line."""
    if hacf is None:
        return []
    out = []
    for d in hacf.stonith:
        # (the stonith form names a file: host '*' and one parameter that is a path)
        from_file = any(e.values[:1] == [d["type"]] for e in hacf.entries("stonith")) and (
            d["host"] == "*" and len(d["params"]) == 1 and str(d["params"][0]).startswith("/")
        )
        out.append({**d, "file": from_file})
    return out


def _stonith_line(hacf: Any, device: dict[str, Any]) -> tuple[int, str | None]:
    """The line of ``hacf`` (and its path) that names ``device`` (a ``stonith_host``
    or ``stonith`` line of that type); (1, None) where another node's ha.cf has it."""
    # (the line with this device's own host and values: several stonith_host lines of
    # one plugin, one per target, each cite their own line)
    said = [str(v) for v in device["params"]]
    lines = {
        "stonith_host": [str(device["host"]), device["type"], *said],
        "stonith": [device["type"], *said],
    }
    for key, values in lines.items():
        for e in hacf.entries(key) if hacf is not None else ():
            if [str(v) for v in e.values] == values:
                return hacf.position(e)[0], hacf.path
    return 1, None


def _stonith_resource(
    b: _Builder, resources: Any, constraints: Any, device: dict[str, Any], number: int
) -> str | None:
    """The stonith primitive for an ha.cf ``stonith_host`` line whose plugin's parameter
    names we know (its id), kept to the node the line names (``*``: any); ``None`` for a
    ``stonith TYPE FILE`` line or an unknown plugin, which the admin defines by hand."""
    names = STONITH_PARAMS.get(device["type"])
    values = [str(v) for v in device["params"]]
    if device.get("file") or names is None or not values:
        return None
    if len(values) > len(names):
        values = [*values[: len(names) - 1], " ".join(values[len(names) - 1 :])]
    rid = b.unique(f"stonith_{number}")
    el = etree.SubElement(
        resources, "primitive", id=rid, type=device["type"], attrib={"class": "stonith"}
    )
    ops = etree.SubElement(el, "operations")
    etree.SubElement(ops, "op", id=f"{rid}_mon", name="monitor", interval="60s", timeout="60s")
    inst = etree.SubElement(el, "instance_attributes", id=f"{rid}_inst_attr")
    pairs = etree.SubElement(inst, "attributes")
    for i, (name, value) in enumerate(zip(names, values, strict=False)):
        etree.SubElement(pairs, "nvpair", id=f"{rid}_attr_{i}", name=name, value=value)
    host = str(device["host"])
    # (heartbeat matched node names in any case: written as ha.cf's node line spells it)
    host = next((m for m in b.members if m.casefold() == host.casefold()), host)
    if host != "*":
        # heartbeat used the device only from that node
        loc = etree.SubElement(constraints, "rsc_location", id=f"rsc_location_{rid}", rsc=rid)
        rule = etree.SubElement(loc, "rule", id=f"{rid}_only_from", score="-INFINITY")
        etree.SubElement(
            rule,
            "expression",
            id=f"{rid}_only_from_expr",
            attribute="#uname",
            operation="ne",
            value=host,
        )
    return rid


def _short(name: str) -> str:
    return name.split(".", 1)[0].casefold()


def _drbd_name(res: Resource) -> str | None:
    """The DRBD resource ``drbddisk::NAME`` promotes (``None``: no drbddisk, or a bare
    one, which promotes every resource and stays a heartbeat script)."""
    if res.type == "drbddisk" and res.args and res.args[0]:
        return res.args[0]
    return None


def _ip_params(arg: str) -> list[str | None]:
    """``ADDRESS/NETMASK/NIC/BROADCAST`` as heartbeat's resource.d/IPaddr and IPaddr2
    wrappers (heartbeat 3.0.6, the ones a v1 cluster ran) hand it to the OCF agent: the
    field after the address is always ``cidr_netmask`` (a dotted quad too: findif.sh
    of resource-agents still reads that form), the next one ``broadcast`` when it
    starts with a digit, else ``nic`` with the broadcast after it. Runs of ``/`` count
    as one (the wrappers' ``sed 's%^X/*%%'``). A netmask field that is neither bits
    nor a dotted quad (``10.0.0.6/eth0``) is taken as the interface, which is what was
    meant (the wrapper's netmask 'eth0' made the agent fail)."""
    parts = [p for p in arg.split("/") if p]
    out: list[str | None] = [parts[0] if parts else arg, None, None, None]
    rest = parts[1:]
    if rest and (rest[0].isdigit() or _dotted(rest[0])):
        out[1] = rest.pop(0)
    if rest and rest[0][:1].isdigit():
        out[3] = rest[0]
    elif rest:
        out[2] = rest[0]
        if len(rest) > 1:
            out[3] = rest[1]
    return out


def _dotted(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(is_decimal(p) and decimal(p) < 256 for p in parts)


def _mask_bits(mask: str) -> int | None:
    """The prefix length of a dotted-quad netmask, ``None`` for a non-contiguous one."""
    value = 0
    for p in mask.split("."):
        value = value << 8 | int(p)
    bits = bin(value)[2:].zfill(32)
    return None if "01" in bits else bits.count("1")


def haresources_to_cib(
    doc: HaresourcesDocument,
    hacf: Any = None,
    cluster_nodes: int | None = None,
    drbd_hosts: dict[str, list[str]] | None = None,
    stonith: list[dict[str, Any]] | None = None,
) -> Converted:
    """A heartbeat 2 CIB with the groups of ``doc``; ``hacf`` (the ha.cf) gives
    auto_failback, the nodes and the stonith lines; ``drbd_hosts`` (DRBD resource ->
    the hosts drbd.conf names) keeps a ``drbddisk``'s master/slave off the others;
    ``stonith``: the fencing devices of every node's ha.cf (default: ``hacf``'s), since
    heartbeat read each node's own and one with fencing keeps it on."""
    nodes = hacf.nodes if hacf is not None else []
    b = _Builder(
        doc,
        cluster_nodes or len(nodes) or 2,
        drbd_hosts=dict(drbd_hosts or {}),
        members=[str(n) for n in nodes],
    )
    cib = etree.Element("cib", admin_epoch="0", epoch="0", num_updates="0")
    config = etree.SubElement(cib, "configuration")
    crm = etree.SubElement(config, "crm_config")
    props = etree.SubElement(crm, "cluster_property_set", id="cib-bootstrap-options")
    pairs = etree.SubElement(props, "attributes")
    etree.SubElement(config, "nodes")
    resources = etree.SubElement(config, "resources")
    constraints = etree.SubElement(config, "constraints")
    etree.SubElement(cib, "status")

    failback = hacf.auto_failback if hacf is not None else None
    stickiness = NO_FAILBACK if failback == "off" else "0"
    _option(pairs, "default_resource_stickiness", stickiness)
    said = hacf.entry("auto_failback") if hacf is not None else None
    b.changes.append(
        Change(
            hacf.position(said)[0] if said is not None else 1,
            "auto_failback",
            "info",
            f"auto_failback {failback or 'on (heartbeat default)'} -> default resource "
            f"stickiness {stickiness}"
            + (
                " (above the location score 100: resources stay where they run)"
                if failback == "off"
                else " (resources move back to their preferred node)"
            ),
            # (the line is ha.cf's, not haresources')
            hacf.path if said is not None else None,
        )
    )
    if stonith is None:
        stonith = stonith_devices(hacf)
    if stonith:
        _option(pairs, "stonith_enabled", "true")
        for number, device in enumerate(stonith, start=1):
            made = _stonith_resource(b, resources, constraints, device, number)
            line, path = _stonith_line(hacf, device)
            if made is not None:
                b.note_at(
                    line,
                    path,
                    "stonith_host",
                    "action",
                    f"ha.cf fences with {device['type']} (from {device['host']}): stonith "
                    f"resource {made} made from its line, the values in the order heartbeat "
                    "gave them to the plugin; test it before the cut-over (stonith_admin "
                    "--reboot NODE in a maintenance window)",
                )
                continue
            b.note_at(
                line,
                path,
                "stonith_host",
                "action",
                f"ha.cf fences with {device['type']} (from {device['host']}): define it as a "
                "stonith resource (`stonith_admin --list-installed`, `stonith -t TYPE -n` for "
                "its parameter names); nothing starts until a fencing device is configured",
            )
    else:
        _option(pairs, "stonith_enabled", "false")
        # what fences in heartbeat 1 is ha.cf's stonith/stonith_host directives (none
        # here), not a haresources line: the note names ha.cf as a whole
        b.note_at(
            0,
            hacf.path if hacf is not None else None,
            "stonith",
            "action",
            "heartbeat 1 fenced nothing here (ha.cf has no stonith or stonith_host"
            " directive): stonith-enabled=false keeps that behaviour so the resources start;"
            " configure a fencing device and enable STONITH, the cluster is not safe against"
            " split brain without it",
        )

    id_index, group_index = 1, 1
    members = {str(n).casefold() for n in nodes}

    def preferred(line: int, rid: str, node: str) -> None:
        # heartbeat and Pacemaker's #uname rule match node names in any case, but a name
        # that is no member (an FQDN, a typo) makes the rule prefer no node at all
        if members and node.casefold() not in members:
            b.note(
                line,
                rid,
                "action",
                f"{node!r} is no 'node' of ha.cf ({', '.join(map(str, nodes))}): the "
                f"location rule of {rid} prefers no member, so Pacemaker may place it on "
                "any node; write the preferred node's uname in the rule",
            )

    for group in doc.groups:
        line = b.line_of(group)
        given = group.name or ""
        if group.clone:
            clone_id = b.unique(given[len("clone:") :] or f"clone_{group_index}")
            clone = etree.SubElement(resources, "clone", id=clone_id)
            inst = etree.SubElement(clone, "instance_attributes", id=f"{clone_id}_inst_attr")
            attrs_el = etree.SubElement(inst, "attributes")
            etree.SubElement(
                attrs_el,
                "nvpair",
                id=f"{clone_id}_attr_1",
                name="clone_max",
                value=str(b.node_count),
            )
            etree.SubElement(
                attrs_el, "nvpair", id=f"{clone_id}_attr_2", name="clone_node_max", value="1"
            )
            b.primitive(clone, group.resources[0], group_index, "", line)
            b.note(line, clone_id, "info", f"clone {clone_id} on every node")
            group_index += 10
            id_index += 1
            continue
        # drbddisk::NAME promoted DRBD resource NAME for the resources after it: a
        # master/slave ocf:linbit:drbd whose master they follow (drbddisk is a heartbeat
        # class script, which Pacemaker 2 no longer runs)
        masters = [
            b.master(resources, constraints, name, line)
            for res in group.resources
            for name in b.drbd_names(res, group.node, line)
        ]
        rest = [res for res in group.resources if not b.drbd_names(res, group.node)]
        if not rest:
            for ms_id in masters:
                b.master_location(constraints, ms_id, group.node)
                preferred(line, ms_id, group.node)
            id_index += len(group.resources)
        elif len(group.resources) == 1:
            rid = b.primitive(resources, group.resources[0], id_index, given, line)
            b.location(constraints, rid, group.node)
            preferred(line, rid, group.node)
            b.note(
                line,
                rid,
                "info",
                f"{group.resources[0].spec} -> primitive {rid}, prefers {group.node}",
            )
            id_index += 1
        else:
            gid = b.unique(given or f"group_{group_index}")
            g = etree.SubElement(resources, "group", id=gid)
            index = group_index
            parts = []
            for res in group.resources:
                if not b.drbd_names(res, group.node):  # (a drbddisk keeps its number unused)
                    parts.append(b.primitive(g, res, index, "", line))
                index += 1
            b.location(constraints, gid, group.node)
            b.note(line, gid, "info", f"group {gid} ({', '.join(parts)}), prefers {group.node}")
            preferred(line, gid, group.node)
            for ms_id in masters:
                b.needs_master(constraints, gid, ms_id)
            group_index += 10
            id_index += len(group.resources) + 1
    for line, words in doc.constraints:
        tag, names = words[0][1:], _CONSTRAINT_WORDS.get(words[0], ())
        if len(words) != len(names) + 1:
            b.note(line, tag, "action", "a constraint comment of the wrong length: skipped")
            continue
        attrib = dict(zip(names, words[1:], strict=True))
        if tag == "rsc_order":
            attrib["symmetrical"] = "true"
        attrib = {"id": f"{tag}_{attrib['from']}_{attrib['to']}", **attrib}
        etree.SubElement(constraints, tag, attrib=attrib)
        b.note(line, tag, "info", f"{' '.join(words[1:])} (haresources2cib's comment syntax)")
    text = etree.tostring(cib, pretty_print=True, encoding="unicode")
    return Converted(text, tuple(b.changes))


#: haresources2cib's constraint comments, ``#rsc_order FROM ACTION TYPE TO`` and
#: ``#rsc_colocation FROM TO SCORE``: the attributes their words give, in order.
_CONSTRAINT_WORDS = {
    "#rsc_order": ("from", "action", "type", "to"),
    "#rsc_colocation": ("from", "to", "score"),
}


def _option(parent: Any, name: str, value: str) -> None:
    etree.SubElement(parent, "nvpair", id=f"cib-bootstrap-options-{name}", name=name, value=value)
