"""DRBD 8.3 -> 8.4 (xencfg.migrations.drbd): the rewrite drbdadm itself would make.

drbd-utils' 8.4 parser (drbdadm-84) reads 8.0-8.3 syntax and normalises it to
8.4 in its ``dump``; for every 8.x corpus and seed file it accepts, our 8.4 text
must give the same dump as the original, while keeping the comments and layout
of everything not rewritten.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import migrate_drbd_pair, peer_tool, shared_files
from xencfg.migrations.drbd import drbd_to_9, drbd_to_84


def convert(text: str) -> tuple[str, list[tuple[int, str | None]]]:
    r = drbd_to_84(xencfg.loads(text, "drbd"))
    return r.text, [(c.line, c.key) for c in r.changes]


def test_syncer_becomes_disk_in_place() -> None:
    src = (
        "resource r0 {\n"
        "  protocol C;\n"
        "  syncer {\n"
        "    rate 40M;      # the resync rate\n"
        "    al-extents 257;\n"
        "  }\n"
        "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    out, changes = convert(src)
    assert (
        "  disk {\n    resync-rate 40M;      # the resync rate\n    al-extents 257;\n  }\n" in out
    )
    assert out.replace("disk {\n    resync-rate", "syncer {\n    rate") == src
    assert changes == [(3, "syncer"), (4, "rate")]


def test_syncer_options_move_to_existing_sections() -> None:
    src = (
        "common {\n"
        "  disk { on-io-error detach; }\n"
        "  net { cram-hmac-alg sha1; }\n"
        "  syncer { rate 10M; verify-alg md5; csums-alg crc32c; after r0; cpu-mask 3; }\n"
        "}\n"
    )
    out, _ = convert(src)
    doc = xencfg.loads(out, "drbd")
    assert doc.common == {
        "disk": {"on-io-error": "detach", "resync-rate": "10M", "resync-after": "r0"},
        "net": {"cram-hmac-alg": "sha1", "verify-alg": "md5", "csums-alg": "crc32c"},
        "options": {"cpu-mask": "3"},
    }


def test_negative_flags_and_handler() -> None:
    src = (
        "common {\n"
        "  disk { no-disk-flushes; no-md-flushes; fencing resource-only; }\n"
        '  handlers { outdate-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }\n'
        "}\n"
    )
    out, changes = convert(src)
    assert "disk { disk-flushes no; md-flushes no; fencing resource-only; }" in out
    assert 'fence-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5";' in out
    assert len(changes) == 3


def test_84_input_is_left_alone() -> None:
    src = "common {\n  disk { resync-rate 10M; }\n  net { protocol C; }\n}\n"
    out, changes = convert(src)
    assert out == src and changes == []


# -- drbdadm-84 dumps the same configuration ---------------------------------------

FILES = [
    p
    for p in shared_files("corpus", "drbd") + shared_files("seed-examples", pattern="drbd.conf")
    if "v9" not in p.name and "drbdsetup" not in p.name
]


def _peer() -> Path:
    return peer_tool("peer-drbdadm", "drbdadm")


def _dump(path: Path) -> tuple[int, str]:
    p = subprocess.run(
        [str(_peer()), "--mode", "84", str(path)],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=120,
    )
    lines = [
        line
        for line in p.stdout.splitlines()[1:]
        if not line.lstrip().startswith("#")  # file names and 'defined at' lines
    ]
    return p.returncode, "\n".join(lines)


@pytest.mark.peer
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_drbdadm_84_reads_the_same(path: Path, tmp_path: Path) -> None:
    rc, before = _dump(path)
    if rc != 0:
        pytest.skip("drbdadm-84 refuses the original")
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    r = drbd_to_84(xencfg.loads(text, "drbd", path=str(path)))
    out = tmp_path / path.name
    out.write_text(r.text, encoding="utf-8", errors="surrogateescape")
    rc, after = _dump(out)
    assert rc == 0, after
    assert after == before
    if r.complete:  # 8.4 input: nothing to do, nothing touched
        assert not r.changes or r.text != text


# -- DRBD 9 --------------------------------------------------------------------------


def test_9_moves_fencing_drops_what_9_refuses_and_numbers_hosts() -> None:
    src = (
        "resource r0 {\n"
        "  disk { fencing resource-only; max-bio-bvecs 1; }  # fence via the CRM\n"
        "  net { unplug-watermark 128; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    r = drbd_to_9(xencfg.loads(src, "drbd"))
    doc = xencfg.loads(r.text, "drbd")
    res = doc.resources["r0"]
    assert res.sections["disk"] == {}
    assert res.sections["net"] == {"fencing": "resource-only"}
    assert [h.node_id for h in res.host_list] == [0, 1]
    assert "# fence via the CRM" in r.text
    assert {c.key for c in r.changes} == {"fencing", "max-bio-bvecs", "unplug-watermark", "node-id"}


def _facts(doc: xencfg.Document) -> list[tuple[object, ...]]:
    out = []
    for res in doc.resource_list():  # type: ignore[attr-defined]
        for host in res.host_list:
            eff = res.effective(host.name)
            addr = eff.address
            out.append(
                (
                    res.name,
                    host.name,
                    addr.host_port if addr else None,
                    eff.device.minor if eff.device else None,
                    eff.disk,
                )
            )
    return sorted(out, key=repr)


@pytest.mark.peer
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_drbdadm_9_reads_the_same_resources(path: Path, tmp_path: Path) -> None:
    rc, _ = _dump(path)
    if rc != 0:
        pytest.skip("drbdadm-84 refuses the original")
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    original = xencfg.loads(text, "drbd", path=str(path))
    facts = _facts(original)
    r = drbd_to_9(xencfg.loads(text, "drbd", path=str(path)))
    out = tmp_path / path.name
    out.write_text(r.text, encoding="utf-8", errors="surrogateescape")
    p = subprocess.run(
        [str(_peer()), "--mode", "9", str(out)],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=120,
    )
    assert p.returncode == 0, p.stdout
    assert _facts(xencfg.loads(r.text, "drbd")) == facts
    assert sorted(_comments(r.text)) == sorted(_comments(text))


def _comments(text: str) -> list[str]:
    """Every comment of a drbd.conf, wherever it stands (they may move with options)."""
    return ["#" + line.partition("#")[2].rstrip() for line in text.splitlines() if "#" in line]


# -- heartbeat's dopd handler under Pacemaker -----------------------------------------

DOPD = (
    "common {\n"
    "  disk { fencing resource-only; }\n"
    '  handlers { outdate-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }\n'
    "}\n"
    "resource r0 {\n"
    "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
    "  on b { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
    "}\n"
)


@pytest.mark.parametrize(
    ("target", "fence", "unfence_key", "unfence"),
    [
        ("8.4", "crm-fence-peer.sh", "after-resync-target", "crm-unfence-peer.sh"),
        ("9", "crm-fence-peer.9.sh", "unfence-peer", "crm-unfence-peer.9.sh"),
    ],
)
def test_migrate_points_dopd_handler_at_pacemaker(
    tmp_path: Path, target: str, fence: str, unfence_key: str, unfence: str
) -> None:
    """drbd-peer-outdater asks heartbeat's dopd to outdate the peer; with heartbeat gone
    (and drbd-utils 9.22 ships no drbd-peer-outdater: ``dpkg -L drbd-utils`` lists only
    /usr/lib/drbd/crm-fence-peer{,.9}.sh and crm-unfence-peer{,.9}.sh) the handler fails
    and resource fencing with it. The migration points it at crm-fence-peer (drbd-utils'
    scripts/global_common.conf) and says so; drbdadm 84 and 9 accept the result."""
    out, notes = migrate_drbd_pair(tmp_path, DOPD, target)
    doc = xencfg.loads(out, "drbd")
    handlers = doc.common["handlers"]
    assert handlers["fence-peer"] == f"/usr/lib/drbd/{fence}"
    assert handlers[unfence_key] == f"/usr/lib/drbd/{unfence}"
    assert "drbd-peer-outdater" not in out
    assert any(n.startswith("fence-peer: ") and "dopd" in n for n in notes)
    if shutil.which("drbdadm"):
        conf = tmp_path / "drbd.conf"
        conf.write_text(out)
        mode = "84" if target == "8.4" else "9"
        p = subprocess.run(
            [str(_peer()), "--mode", mode, "--node", "a", str(conf)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert p.returncode == 0, p.stdout


def test_migrate_makes_nbsp_white_space_plain(tmp_path: Path) -> None:
    """A no-break space standing for white space (a copy from a web page) makes drbdadm
    refuse the file ("Parse error: ... but got '\\xc2'", lint's DR008); the migrated file
    has plain spaces there and says so per line, and keeps the one inside a comment."""
    from xencfg import migrate

    src = (
        "resource r0 {\n"
        "\u00a0 protocol C;  # keep\u00a0this\n"
        "  syncer { rate 10M; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b {\u00a0device /dev/drbd0; disk /dev/sda5;\n"
        "    address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    (tmp_path / "a" / "etc").mkdir(parents=True)
    (tmp_path / "a" / "etc" / "drbd.conf").write_text(src)
    m = migrate.plan([str(tmp_path / "a")], only=("drbd",))
    out = m.outputs[0].data.decode()
    assert out.count("\u00a0") == 1 and "# keep\u00a0this" in out
    assert sorted(n.source.rsplit(":", 1)[1] for n in m.notes if "U+00A0" in n.what) == ["2", "5"]
    if shutil.which("drbdadm"):
        conf = tmp_path / "drbd.conf"
        conf.write_text(out)
        p = subprocess.run(
            [str(_peer()), "--mode", "84", "--node", "a", str(conf)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert p.returncode == 0, p.stdout
