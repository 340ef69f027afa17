"""xend-config.sxp to /etc/xen/xl.conf: what xl.conf takes over, and a report line for
every setting whose job moved elsewhere or went with xend (xl.conf(5), xend's
tools/examples/xend-config.sxp)."""

from __future__ import annotations

from typing import Any

from ..formats.xen.xend import XendDocument
from . import Change, Converted
from .xen import _xl_text

#: xend settings that are gone with xend, and where each one's job went.
XEND_ELSEWHERE = {
    "xend-relocation-server": "xl migrates over ssh ('xl migrate DOMU HOST'): allow root "
    "ssh between the dom0s instead of xend's relocation port",
    "xend-relocation-ssl-server": "xl migrates over ssh, which encrypts",
    "xend-relocation-port": "xl migrates over ssh (port 22)",
    "xend-relocation-address": "xl migrates over ssh: restrict sshd's ListenAddress",
    "xend-relocation-hosts-allow": "xl migrates over ssh: restrict who may log in as root "
    "(authorized_keys 'from=', sshd AllowUsers)",
    "xend-http-server": "no xend API any more (libvirt's libxl driver offers one)",
    "xend-unix-server": "no xend API any more (libvirt's libxl driver offers one)",
    "xend-tcp-xmlrpc-server": "no xend API any more",
    "xend-unix-xmlrpc-server": "no xend API any more",
    "xend-port": "no xend API any more",
    "xend-address": "no xend API any more",
    "xen-api-server": "no Xen-API server any more (libvirt's libxl driver offers an API)",
    "dom0-min-mem": "give dom0 fixed memory on Xen's command line (dom0_mem=NM,max:NM) "
    'and set autoballoon="off"',
    "dom0-cpus": "limit dom0's VCPUs on Xen's command line (dom0_max_vcpus=N)",
    "network-script": "xl creates no bridges: define the bridge in the distribution's "
    "network configuration (e.g. /etc/network/interfaces)",
    "vnc-listen": "set vnclisten in each domU config (xl has no global default)",
    "vncpasswd": "xl has no global default: written into each domU config of this node "
    "whose VNC console has no password of its own, as xend used it",
    "keymap": "set keymap in each domU config",
    "console-limit": "xenconsoled's own options",
    "total_available_memory": "no equivalent",
    "xend-domain-lock": "use the cluster manager to keep a domU on one node",
}


def xend_to_xl_conf(doc: XendDocument) -> Converted:
    """``/etc/xen/xl.conf`` settings for what xend-config.sxp configured, and a report
    line for everything that moved elsewhere or went with xend."""
    lines = [
        "# /etc/xen/xl.conf (xl.conf(5)), written by xencfg from xend-config.sxp",
        "",
    ]
    changes: list[Change] = []

    def note(node: Any, key: str, severity: str, message: str) -> None:
        changes.append(Change(doc.position(node)[0], key, severity, message))

    for name in doc.names:
        s = doc.setting(name)
        if name == "vif-script":
            value = doc.typed(name)
            lines.append(f"vif.default.script = {_xl_text(str(value))}")
            note(s, name, "info", "is vif.default.script in xl.conf")
        elif name == "enable-dom0-ballooning":
            on = doc.typed(name)
            lines.append(f'autoballoon = "{"on" if on else "off"}"')
            note(s, name, "info", "is autoballoon in xl.conf")
        elif name == "network-script":
            script = str(doc.typed(name) or "")
            bridge = next(
                (w.split("=", 1)[1] for w in script.split() if w.startswith("bridge=")), None
            )
            if bridge:
                lines.append(f"vif.default.bridge = {_xl_text(bridge)}")
            # xend's vif-bridge put a vif without bridge= on the first bridge it found
            # (tools/hotplug/Linux/vif-bridge: brctl show | awk 'NR==2{print$1}'); xl
            # names one: vif.default.bridge, xenbr0 unless set (xl.conf(5))
            default = (
                ""
                if bridge
                else "; a vif without bridge= went to the first bridge xend found and now "
                "goes to xl's default xenbr0 (vif.default.bridge): name the bridge xenbr0 "
                "or set vif.default.bridge"
            )
            netdev = next(
                (w.split("=", 1)[1] for w in script.split() if w.startswith("netdev=")), None
            )
            if netdev and not bridge and script.split()[0].endswith("network-bridge"):
                # network-bridge "creates a bridge (default ${netdev})" and renames the
                # NIC p${netdev} (Xen 3.2 on; 3.0 and 3.1 made xenbr${vifnum}): a domU's
                # bridge=eth0 named that bridge, which nothing makes under xl
                default += (
                    f"; network-bridge named its bridge {netdev} (Xen 3.2 and later: the NIC "
                    f"became p{netdev}), so a vif's bridge={netdev} needs a bridge of that "
                    "name now, or another name in the vif lines"
                )
            note(s, name, "action", f"not carried: {XEND_ELSEWHERE[name]}{default}")
        elif name == "vncpasswd":
            note(s, name, "info", XEND_ELSEWHERE[name])
        elif name in XEND_ELSEWHERE:
            severity = "action" if name in ("dom0-min-mem", "xend-relocation-server") else "warning"
            if name == "xend-relocation-server" and not doc.typed(name):
                severity = "info"
            note(s, name, severity, f"not carried: {XEND_ELSEWHERE[name]}")
        else:
            note(s, name, "warning", "not carried: xl.conf has no such setting")
    return Converted("\n".join(lines) + "\n", tuple(changes))
