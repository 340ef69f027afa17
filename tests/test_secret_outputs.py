"""No output of xencfg shows a secret unless asked: a tree full of secrets (authkeys
keys, CHAP passwords in iscsid.conf and ietd.conf, an iLO password in the CIB, a VNC
password in a domU) is run through every command and output format, and each output
is searched for every secret string."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xencfg.cli import main

SECRETS = {
    "authkeys": "c0ffee5ecret0b5cure4u",
    "iscsid": "Chap#Initiator9x",
    "ietd": "TargetChapPw42",
    "cib": "IloPassw0rdZq",
    "domu": "VncPw7731zz",
    "ipmi": "IpmiPassQq55",
    "cman": "FencePw0rd88",
}


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "alpha"
    files = {
        "etc/ha.d/authkeys": f"auth 1\n1 sha1 {SECRETS['authkeys']}\n",
        "etc/ha.d/ha.cf": "bcast eth0\nnode alpha beta\n",
        "etc/iscsi/iscsid.conf": (
            "node.session.auth.authmethod = CHAP\nnode.session.auth.username = alpha\n"
            f"node.session.auth.password = {SECRETS['iscsid']}\n"
        ),
        "etc/ietd.conf": (
            "Target iqn.2026-11.net.example:t\n"
            f"\tIncomingUser alpha {SECRETS['ietd']}\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
        ),
        "var/lib/heartbeat/crm/cib.xml": (
            "<cib><configuration><crm_config/><nodes/><resources>"
            '<primitive id="f" class="stonith" type="external/riloe">'
            '<instance_attributes id="f-ia"><attributes>'
            f'<nvpair id="f-pw" name="ilo_password" value="{SECRETS["cib"]}"/>'
            "</attributes></instance_attributes></primitive>"
            '<primitive id="g" class="stonith" type="external/ipmi">'
            '<instance_attributes id="g-ia"><attributes>'
            f'<nvpair id="g-pw" name="passwd" value="{SECRETS["ipmi"]}"/>'
            "</attributes></instance_attributes></primitive></resources>"
            "<constraints/></configuration><status/></cib>\n"
        ),
        "etc/cluster/cluster.conf": (
            '<?xml version="1.0"?>\n<cluster name="c" config_version="1"><clusternodes>'
            '<clusternode name="alpha" nodeid="1"/></clusternodes><fencedevices>'
            f'<fencedevice name="ilo" agent="fence_ilo" passwd="{SECRETS["cman"]}"/>'
            "</fencedevices></cluster>\n"
        ),
        "etc/xen/vm1": f"name = 'vm1'\nmemory = 128\nvncpasswd = '{SECRETS['domu']}'\n",
        # broken lines holding a secret: the error snippet must not show it
        "etc/iscsid.conf": f"node.session.auth.password = {SECRETS['iscsid']}\nbroken line\n",
        "etc/iet/ietd.conf": f"IncomingUser joe {SECRETS['ietd']} extra\n",
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        p.chmod(0o600)
    return root


def outputs(root: Path, flags: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    seen = []
    for fmt in ("text", "json", "sarif", "github"):
        main(["lint", "--output-format", fmt, *flags, str(root)])
        out = capsys.readouterr()
        seen.append(out.out + out.err)
    main(["graph", *flags, str(root)])
    out = capsys.readouterr()
    seen.append(out.out + out.err)
    cib = str(root / "var/lib/heartbeat/crm/cib.xml")
    for args in (["validate"], ["convert", "--check"], ["convert", "--check", "--report", "json"]):
        main(["cib", *args, *flags, cib] if args[0] == "convert" else ["cib", *args, cib])
        out = capsys.readouterr()
        seen.append(out.out + out.err)
    for p in sorted(root.rglob("*")):
        if p.is_file():
            main(["parse", *flags, str(p)])
            out = capsys.readouterr()
            seen.append(out.out + out.err)
    return "\n".join(seen)


def test_no_output_shows_a_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = outputs(tree(tmp_path), [], capsys)
    assert "CB010" in text and "ietd" in text  # the outputs are real
    for name, secret in SECRETS.items():
        assert secret not in text, f"the {name} secret leaked"


def test_show_secrets_shows_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tree(tmp_path)
    main(["parse", "--show-secrets", str(root / "etc/iscsi/iscsid.conf")])
    shown = json.loads(capsys.readouterr().out)
    assert shown["settings"]["node.session.auth.password"] == SECRETS["iscsid"]
    text = outputs(root, ["--show-secrets"], capsys)
    for secret in (SECRETS[k] for k in ("ietd", "cib", "ipmi", "cman", "domu")):
        assert secret in text
