"""The fencing devices of a converted CIB: cluster-glue plugins that today's fence
agents do the job of (external/ipmi -> fence_ipmilan), and TODOs for the ones that fence
nothing a real failure leaves behind or drive a toolstack that is gone (xm)."""

from __future__ import annotations

import shlex
from typing import Any

from ..stack import Note
from .agents import primitive_note


def fence_agents(root: Any, display: str, notes: list[Note]) -> bool:
    """Each stonith primitive of the CIB ``root``: moved to its fence agent, or a TODO;
    whether one moved."""
    moved = ipmi_fencing(root, display, notes)
    xm_fencing(root, display, notes)
    _test_fencing(root, display, notes)
    return moved


#: cluster-glue's external/ipmi parameters (lib/plugins/stonith/external/ipmi of
#: cluster-glue 1.0.12+: ``ipmitool -I interface -H ipaddr [-L priv] -U userid -P passwd``,
#: ``gethosts`` echoes ``hostname``) and fence_ipmilan's for the same ipmitool option
#: (fence-agents fence_ipmilan.py create_command; fencing.py: the options ipaddr, login,
#: passwd, passwd_script read as ``ip``, ``username``, ``password``, ``password_script``)
IPMI_PARAMS = {
    "ipaddr": "ip",
    "userid": "username",
    "passwd": "password",
    "ipmitool": "ipmitool_path",
}
#: fence_ipmilan's privlvl choices (fence_ipmilan.py define_new_opts)
PRIVLVL = ("callback", "user", "operator", "administrator")


def ipmi_fencing(root: Any, display: str, notes: list[Note]) -> bool:
    """Each stonith:external/ipmi primitive becomes stonith:fence_ipmilan with its
    parameters mapped (:data:`IPMI_PARAMS`, ``interface=lanplus`` -> ``lanplus=1``,
    ``priv`` -> ``privlvl``, ``passwd_method=file`` -> ``password_script='cat FILE'``:
    fencing.py reads the script's output as the password), and ``hostname`` the
    device's ``pcmk_host_list``: fence_ipmilan lists no hosts, and the plugin named its
    one host by it. A device whose values do not map stays with a TODO.

    The plugin runs only through cluster-glue, which today's distributions no longer
    ship (Debian 12, RHEL 9): the node would not be fenced and the cluster would stop
    recovering. Whether one moved."""
    moved = False
    for prim in root.iter("primitive"):
        if prim.get("class") != "stonith" or prim.get("type") != "external/ipmi":
            continue
        ia = prim.find("instance_attributes")
        params = {
            str(nv.get("name")): nv.get("value") or ""
            for nv in (ia.iterfind("nvpair") if ia is not None else ())
        }
        new, left = _fence_ipmilan(params)
        method_file = params.get("passwd_method") == "file"
        if left:
            notes.append(
                primitive_note(
                    "manual",
                    display,
                    prim,
                    "stonith:external/ipmi not moved to fence_ipmilan: " + "; ".join(left),
                    "cluster-glue, which runs the plugin, is gone from today's distributions: "
                    "make it stonith:fence_ipmilan (ip, username, password, lanplus, "
                    "pcmk_host_list) by hand and test it (stonith_admin --reboot NODE)",
                )
            )
            continue
        prim.set("type", "fence_ipmilan")
        moved = True
        dropped = []
        for nv in list(ia.iterfind("nvpair")):  # (in place: the ids stay)
            to = new.get(str(nv.get("name")))
            if to is None:
                dropped.append(f"{nv.get('name')}={nv.get('value')} (nvpair id='{nv.get('id')}')")
                if nv.getprevious() is not None:
                    nv.getprevious().tail = nv.tail
                ia.remove(nv)
            else:
                nv.set("name", to[0])
                nv.set("value", to[1])
        shown = " ".join(
            f"{k}={'***' if 'password' in k and k != 'password_script' else v}"
            for k, v in (to for to in new.values() if to is not None)
        ) + (f"; dropped {', '.join(dropped)}" if dropped else "")
        said = primitive_note(
            "rewrite",
            display,
            prim,
            f"stonith:external/ipmi -> stonith:fence_ipmilan {shown}",
            "cluster-glue's plugin (lib/plugins/stonith/external/ipmi) and fence_ipmilan "
            "both run ipmitool with the same address, user, password, interface and "
            "privilege (fence-agents fence_ipmilan.py create_command); hostname, the "
            "one host the plugin fenced (gethosts), is pcmk_host_list. A reboot is now "
            "power off, a check that it is off, power on (fence_ipmilan's method onoff), "
            "where the plugin sent 'power reset'. Test it: stonith_admin --reboot NODE"
            + (
                " (the file passwd named holds the password: keep it on every node; one "
                "below /etc/ha.d goes with heartbeat)"
                if method_file
                else ""
            ),
        )
        # (in place of the conversion's TODO; the caller points it at the input line)
        kept = f"<primitive id='{prim.get('id')}'> stonith:external/ipmi kept"
        todo = next((i for i, n in enumerate(notes) if n.what.startswith(kept)), None)
        if todo is None:
            notes.append(said)
        else:
            notes[todo] = said
    return moved


def _fence_ipmilan(
    params: dict[str, str],
) -> tuple[dict[str, tuple[str, str] | None], list[str]]:
    """For each of external/ipmi's ``params``, fence_ipmilan's (name, value), or None
    where it has none to carry (passwd_method, interface lan: fence_ipmilan's defaults);
    and what does not map."""
    new: dict[str, tuple[str, str] | None] = {}
    left: list[str] = []
    method = params.get("passwd_method", "param") or "param"
    for name, value in params.items():
        if name.startswith("pcmk_"):
            new[name] = (name, value)
        elif name == "hostname" and value.replace(",", " ").split():
            new[name] = ("pcmk_host_list", " ".join(value.replace(",", " ").split()))
        elif name == "passwd" and method == "file":
            new[name] = ("password_script", f"cat {shlex.quote(value)}")
        elif name in IPMI_PARAMS:
            new[name] = (IPMI_PARAMS[name], value)
        elif name == "interface" and value in ("lanplus", "lan", ""):
            new[name] = ("lanplus", "1") if value == "lanplus" else None
        elif name == "priv" and value.lower() in PRIVLVL:
            new[name] = ("privlvl", value.lower())
        elif name == "passwd_method" and value in ("param", "env", "file", ""):
            new[name] = None
        else:
            left.append(f"{name}={value!r} has no fence_ipmilan counterpart")
    names = {to[0] for to in new.values() if to is not None}
    for need, old in (("pcmk_host_list", "hostname"), ("ip", "ipaddr"), ("username", "userid")):
        if need not in names:
            left.append(f"no {old}")
    return new, left


def xm_fencing(root: Any, display: str, notes: list[Note]) -> None:
    """A TODO for each stonith:external/xen0 resource: cluster-glue's plugin fences a
    domU by running ``xm destroy`` (and ``xm create``) on its dom0 over ssh
    (cluster-glue 1.0.12, plugins/external/xen0: STOP_COMMAND="xm destroy"), and the
    dom0s of the migrated cluster run xl: the fencing would fail, and a node that
    cannot be fenced stops the cluster's recovery."""
    for prim in root.iter("primitive"):
        if prim.get("class") != "stonith" or prim.get("type") != "external/xen0":
            continue
        notes.append(
            primitive_note(
                "manual",
                display,
                prim,
                "stonith:external/xen0 runs 'xm destroy' on the dom0: Xen 4.5 and later have no xm",
                'cluster-glue\'s external/xen0 calls xm over ssh (STOP_COMMAND="xm destroy"): '
                "fence the domUs through the dom0's toolstack of today instead, e.g. "
                "stonith:external/libvirt (hypervisor_uri=xen+ssh://DOM0/) or fence_virsh, "
                "and test it (stonith_admin --reboot NODE) before the cut-over",
            )
        )


#: cluster-glue STONITH plugins that fence nothing a real failure leaves behind, by their
#: own descriptions (``stonith -t TYPE -h`` of the installed cluster-glue): ssh and
#: external/ssh "Fine for testing, but not suitable for production!" (a reboot over ssh),
#: null "Dummy (do-nothing) STONITH device ... FOR TESTING ONLY!", meatware "Human
#: (meatware) intervention STONITH device".
TEST_FENCING = {
    "ssh": "reboots over ssh: a hung, cut-off or powerless node is never fenced",
    "external/ssh": "reboots over ssh: a hung, cut-off or powerless node is never fenced",
    "null": "fences nothing: it only reports success",
    "meatware": "waits for an operator to confirm by hand (meatclient) before anything moves",
}
_REAL_FENCING = (
    "shared data (DRBD, OCFS2, the domUs' disks) is safe only with a device that "
    "cuts the node off (IPMI, iLO, a power switch: a fence_* agent): configure "
    "one before the cut-over"
)


def _test_fencing(root: Any, display: str, notes: list[Note]) -> None:
    """A report line for each stonith resource whose plugin cannot fence a failed node:
    the cluster keeps fencing on but is no safer than without it."""
    for prim in root.iter("primitive"):
        agent = prim.get("type")
        if prim.get("class") == "stonith" and agent in TEST_FENCING:
            what = f"stonith:{agent} {TEST_FENCING[agent]}"
            notes.append(primitive_note("manual", display, prim, what, _REAL_FENCING))
