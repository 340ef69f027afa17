"""Rules every format shares (XC005) and the /etc/hosts rule (HS001): a failing and a
passing tree each, asserting the code, file and line."""

from __future__ import annotations

from pathlib import Path

from xencfg import lint


def tree(tmp: Path, files: dict[str, str]) -> Path:
    root = tmp / "n"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def found(root: Path, code: str) -> list[tuple[str, int, str]]:
    result = lint.run([str(root)], select=[code])
    return [(Path(f.path).name, f.line, f.message) for f in result.findings]


def test_xc005_bad_value(tmp_path: Path) -> None:
    bad = tree(tmp_path, {"etc/hosts": "10.0.0.1 alpha\n10.0.0.300 beta\n"})
    assert found(bad, "XC005") == [("hosts", 2, "'10.0.0.300' is not an IP address")]
    good = tree(tmp_path / "good", {"etc/hosts": "10.0.0.1 alpha\n10.0.0.3 beta\n"})
    assert found(good, "XC005") == []


def test_hs001_name_shadowed(tmp_path: Path) -> None:
    text = "10.0.0.1 alpha\n192.168.0.1 alpha alpha-hb\n"
    result = lint.run([str(tree(tmp_path, {"etc/hosts": text}))], select=["HS001"])
    [f] = result.findings
    assert (f.code, f.line, f.message) == (
        "HS001",
        2,
        "'alpha' already resolve(s) to 10.0.0.1; 192.168.0.1 is never returned",
    )
    assert [r.line for r in f.related] == [1]
    ok = "10.0.0.1 alpha\n192.168.0.1 alpha-hb\n::1 alpha\n"
    assert found(tree(tmp_path / "ok", {"etc/hosts": ok}), "HS001") == []


def test_xc007_setting_repeated(tmp_path: Path) -> None:
    hacf = "deadtime 30\nbcast eth0\nnode a b\nucast eth1 10.0.0.2\ndeadtime 10\n"
    result = lint.run([str(tree(tmp_path, {"etc/ha.d/ha.cf": hacf}))], select=["XC007"])
    [f] = result.findings
    assert (f.line, [r.line for r in f.related]) == (5, [1]) and "'deadtime'" in f.message
    iscsid = "node.startup = manual\nnode.startup = automatic\n"
    result = lint.run(
        [str(tree(tmp_path / "i", {"etc/iscsi/iscsid.conf": iscsid}))], select=["XC007"]
    )
    assert [f.line for f in result.findings] == [2]
    ok = "bcast eth0\nnode a\nnode b\nucast eth1 10.0.0.2\nucast eth2 10.0.1.2\ndeadtime 10\n"
    assert (
        lint.run([str(tree(tmp_path / "o", {"etc/ha.d/ha.cf": ok}))], select=["XC007"]).findings
        == []
    )
