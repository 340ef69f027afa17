"""The rules issue 15 found missing (planted faults in a hidden cluster): a failing
and a passing tree for each, with the daemon source or document that backs the verdict."""

from __future__ import annotations

from pathlib import Path

from lintkit import found, messages, tree

T1 = "iqn.2026-11.net.example:storage.web"
T2 = "iqn.2026-11.net.example:storage.db"


def target(name: str, *luns: str) -> str:
    return f"Target {name}\n" + "".join(f"\t{lun}\n" for lun in luns)


# -- IS014: one ScsiId for two devices -------------------------------------------------


def test_is014_scsi_id_twice_across_targets(tmp_path: Path) -> None:
    bad = tree(
        tmp_path / "b",
        "san1",
        {
            "etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0")
            + target(T2, "Lun 0 Path=/dev/vg/db,Type=blockio,ScsiId=web0")
        },
    )
    assert found("IS014", bad) == [("IS014", "ietd.conf", 4, [2])]
    assert "multipath takes the two devices for paths of one disk" in messages("IS014", bad)[0]
    good = tree(
        tmp_path / "g",
        "san1",
        {
            "etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0")
            + target(T2, "Lun 0 Path=/dev/vg/db,Type=blockio,ScsiId=db0")
        },
    )
    assert found("IS014", good) == []


def test_is014_leaves_one_device_exported_twice_to_is003(tmp_path: Path) -> None:
    lun = "Lun 0 Path=/dev/vg/web,Type=blockio,ScsiId=web0"
    root = tree(tmp_path, "san1", {"etc/ietd.conf": target(T1, lun) + target(T2, lun)})
    assert found("IS014", root) == []
    assert [r[0] for r in found("IS003", root)] == ["IS003"]


# -- IS015: blockio on a regular file ---------------------------------------------------


def test_is015_blockio_on_a_file(tmp_path: Path) -> None:
    # block-io.c: blockio_open_path -> blkdev_get_by_path fails on a file
    # ("Can't open device %s"), blockio_attach reports "Error attaching Lun".
    files = {"srv/iscsi/web.img": "image\n"}
    bad = tree(
        tmp_path / "b",
        "san1",
        {**files, "etc/ietd.conf": target(T1, "Lun 0 Path=/srv/iscsi/web.img,Type=blockio")},
    )
    assert found("IS015", bad) == [("IS015", "ietd.conf", 2, [])]
    good = tree(
        tmp_path / "g",
        "san1",
        {**files, "etc/ietd.conf": target(T1, "Lun 0 Path=/srv/iscsi/web.img,Type=fileio")},
    )
    assert found("IS015", good) == []
    # a device path the tree does not hold is not judged
    absent = tree(
        tmp_path / "a", "san1", {"etc/ietd.conf": target(T1, "Lun 0 Path=/dev/vg/web,Type=blockio")}
    )
    assert found("IS015", absent) == []


def test_is015_does_not_follow_a_symlink_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.img"
    outside.write_text("x")
    root = tree(tmp_path, "san1", {"etc/ietd.conf": target(T1, "Lun 0 Path=/srv/x.img,Type=blockio")})
    (root / "srv").mkdir()
    (root / "srv/x.img").symlink_to(outside)
    assert found("IS015", root) == []
