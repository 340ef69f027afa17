"""``xencfg diff NODE_A NODE_B`` (issue 19): the settings that differ between two nodes,
not their text lines; node-specific values (the peer's address, the node's own name)
told apart from real differences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xencfg.cli import main
from xencfg.nodediff import diff_nodes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

HACF = "node alpha beta\nbcast eth0\nucast eth1 {peer}\nkeepalive 2\ndeadtime 30\ncrm on\n"
DRBD = (
    "resource r0 {{\n"
    "  protocol C;\n"
    "  on alpha {{ device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:{port};"
    " meta-disk internal; }}\n"
    "  on beta {{ device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:{port};"
    " meta-disk internal; }}\n"
    "}}\n"
)
HOSTS = "127.0.0.1 localhost\n10.0.0.1 alpha\n10.0.0.2 beta\n"


def node(base: Path, name: str, files: dict[str, str]) -> Path:
    root = base / name
    for rel, text in {"etc/hostname": name + "\n", "etc/hosts": HOSTS, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def pair(tmp_path: Path, b_files: dict[str, str] | None = None) -> tuple[Path, Path]:
    a = node(
        tmp_path,
        "alpha",
        {"etc/ha.d/ha.cf": HACF.format(peer="10.0.0.2"), "etc/drbd.conf": DRBD.format(port=7788)},
    )
    b = node(
        tmp_path,
        "beta",
        b_files
        or {
            "etc/ha.d/ha.cf": HACF.format(peer="10.0.0.1"),
            "etc/drbd.conf": DRBD.format(port=7788),
        },
    )
    return a, b


def test_two_node_example_differs_only_in_node_specific_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """examples/two-node: `diff -r` shows ha.cf, hostname and xend-config.sxp; all three
    only name the node itself or its peer, so nothing *really* differs (exit 0)."""
    args = [str(EXAMPLES / "two-node" / n) for n in ("alpha", "beta")]
    assert main(["diff", *args]) == 0
    out = capsys.readouterr().out
    assert "etc/ha.d/ha.cf:\n  comm_paths[1].host  (node-specific)" in out
    assert "    alpha  10.0.0.12\n    beta   10.0.0.11" in out
    assert "settings.xend-relocation-hosts-allow  (node-specific)" in out
    assert "etc/hostname:\n  name  (node-specific)" in out
    assert "0 differences, 4 node-specific, 0 files on one node only." in out
    # the DRBD files are the same (each names both hosts): nothing to report
    assert "drbd" not in out


def test_mistakes_against_the_clean_example(capsys: pytest.CaptureFixture[str]) -> None:
    """The mistakes example's alpha against two-node's beta: each planted mistake that
    lives in one node's files appears as the setting it changed."""
    a = EXAMPLES / "mistakes" / "alpha"
    b = EXAMPLES / "two-node" / "beta"
    assert main(["diff", str(a), str(b), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    changes = {(f["path"], c["setting"]): c for f in data["files"] for c in f["changes"]}
    port = changes[("etc/drbd.d/db.res", "resources[db].hosts[alpha].address.port")]
    assert port["values"] == {"alpha": 7788, "beta": 7789}  # DR001: db reuses web's port
    # `on beta-1` is matched by name: one whole host only alpha's file has, and beta's
    assert changes[("etc/drbd.d/web.res", "resources[web].hosts[beta-1]")]["values"]["beta"] is None
    assert changes[("etc/drbd.d/web.res", "resources[web].hosts[beta]")]["values"]["alpha"] is None
    assert changes[("etc/ha.d/ha.cf", "settings.initdead")]["values"] == {
        "alpha": 30.0,
        "beta": 60.0,
    }
    # the fencing password differs, and is never printed
    pw = changes[
        ("var/lib/heartbeat/crm/cib.xml", "resources[fence-alpha].instance_attributes.passwd")
    ]
    assert pw["values"] == {"alpha": "(secret)", "beta": "(secret)"}
    assert data["only"] == {"alpha": ["etc/multipath.conf"], "beta": []}
    assert data["counts"]["files_compared"] == 12


def test_mistakes_nodes_differ_in_the_swapped_aliases(capsys: pytest.CaptureFixture[str]) -> None:
    """beta's multipath.conf swaps the aliases data and logs (MP004): matched by WWID, the
    swap is two alias changes, not four changed lines."""
    args = [str(EXAMPLES / "mistakes" / n) for n in ("alpha", "beta")]
    assert main(["diff", *args]) == 1
    out = capsys.readouterr().out
    assert (
        "  multipaths[3600a0b800026b2820000a1b2c3d4e5f6].settings.alias\n"
        "    alpha  data\n    beta   logs\n"
    ) in out
    assert "2 differences, 1 node-specific" in out


def test_comments_layout_and_order_are_not_differences(tmp_path: Path) -> None:
    drbd = (
        "# replicated disk\nresource r0 {\n\ton beta {\n\t\tdevice /dev/drbd0;\n"
        "\t\tdisk /dev/sda1;\n\t\taddress 10.0.0.2:7788;\n\t\tmeta-disk internal;\n\t}\n"
        "\tprotocol C;   # synchronous\n"
        "\ton alpha { address 10.0.0.1:7788; device /dev/drbd0; disk /dev/sda1;"
        " meta-disk internal; }\n}\n"
    )
    hacf = "# heartbeat\ncrm    on\nnode beta alpha\ndeadtime 30\nkeepalive 2\n"
    hacf += "bcast eth0\nucast eth1 10.0.0.1\n"
    a, b = pair(tmp_path, {"etc/drbd.conf": drbd, "etc/ha.d/ha.cf": hacf})
    result = diff_nodes(str(a), str(b))
    assert not result.differs
    assert [c.path for f in result.files for c in f.changes] == ["comm_paths[1].host", "name"]


def test_a_real_change_and_a_file_only_one_node_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair(
        tmp_path,
        {
            "etc/ha.d/ha.cf": HACF.format(peer="10.0.0.1").replace("deadtime 30", "deadtime 10"),
            "etc/drbd.conf": DRBD.format(port=7790),
            "etc/ha.d/authkeys": "auth 1\n1 sha1 s3cr3t-key-beta\n",
        },
    )
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "  settings.deadtime\n    alpha  30.0\n    beta   10.0\n" in out
    assert "resources[r0].hosts[alpha].address.port\n    alpha  7788\n    beta   7790" in out
    assert "only on beta: etc/ha.d/authkeys" in out
    assert "3 differences, 2 node-specific" in out  # each host's port, and deadtime
    assert "s3cr3t" not in out


def test_secrets_are_compared_but_not_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair(tmp_path)
    (a / "etc/ha.d/authkeys").write_text("auth 1\n1 sha1 alpha-key-0123456789\n")
    (b / "etc/ha.d/authkeys").write_text("auth 1\n1 sha1 beta-key-9876543210\n")
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "methods.1.key\n    alpha  (secret)\n    beta   (secret)" in out
    assert "key-0123" not in out and "key-9876" not in out


def test_a_file_that_does_not_parse_is_named_not_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair(tmp_path)
    (b / "etc/drbd.conf").write_text("resource r0 {\n  protocol C\n")
    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "etc/drbd.conf: not compared: beta: " in out and "drbd.conf:" in out


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = EXAMPLES / "two-node" / "alpha"
    assert main(["diff", str(a)]) == 2
    assert "usage: xencfg diff" in capsys.readouterr().err
    same = EXAMPLES / "mistakes" / "alpha"
    assert main(["diff", str(a), str(same)]) == 2
    assert "--node NAME=PATH" in capsys.readouterr().err
    assert main(["diff", "--node", f"clean={a}", "--node", f"broken={same}"]) == 1
    assert "clean vs broken:" in capsys.readouterr().out
    assert main(["diff", str(a), str(tmp_path / "nothing")]) == 2
