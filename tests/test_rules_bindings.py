"""Lint with multipath's bindings file: MP011 (conflicts in one node's bindings),
MP012 (bindings that differ between nodes under a domU or DRBD disk), MP008/XN006
taking the names the file gives; LS006's part is in test_rules_live.py.

Daemon behaviour from multipath-tools' libmultipath/alias.c: up to 0.8.4
``lookup_binding``/``rlookup_binding`` read the file line by line, the first match
winning; from 0.8.5 ``check_alias_settings``/``_check_bindings_file`` log "ERROR:
multiple bindings for alias" and "conflicts with multipath.conf entry" and drop the
line; from 0.9.7 the bindings are kept sorted by alias (``add_binding``,
``alias_compar``: length, then name) and ``get_binding_for_wwid`` takes the first.
propsel.c ``select_alias``: multipath.conf's alias comes before the bindings file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import xencfg
from lintkit import found, messages, tree
from xencfg import lint
from xencfg.formats.lines.bindings import HEADER  # what multipathd writes

W1 = "36001405a1b2c3d4e5f60718293a4b5c6"
W2 = "36001405f0e1d2c3b4a5968778695a4b3"
W3 = "36001405000000000000000000000c0c3"
UFN = "defaults {\n  user_friendly_names yes\n}\n"
HACF = "node alpha beta\nbcast eth1\n"


def node(tmp: Path, name: str, bindings: str, conf: str = UFN, **extra: str) -> Path:
    files = {
        "etc/hostname": f"{name}\n",
        "etc/ha.d/ha.cf": HACF,
        "etc/multipath.conf": conf,
        "etc/multipath/bindings": HEADER + bindings,
    }
    files.update(extra)
    return tree(tmp, name, files)


def severities(code: str, *roots: Path) -> list[tuple[str, int, str]]:
    result = lint.run([str(r) for r in roots], select=[code])
    return [(f.severity, f.line, f.message) for f in result.findings]


# -- MP011 -----------------------------------------------------------------------------


def test_mp011_alias_bound_to_two_wwids(tmp_path: Path) -> None:
    bad = node(tmp_path / "bad", "alpha", f"mpatha {W1}\nmpathb {W2}\nmpatha {W3}\n")
    [(severity, line, message)] = severities("MP011", bad)
    assert (severity, line) == ("error", 10)
    assert f"alias 'mpatha' is bound to {W3} here and to {W1}" in message
    assert found("MP011", bad)[0][3] == [8]  # the earlier line
    good = node(tmp_path / "good", "alpha", f"mpatha {W1}\nmpathb {W2}\nmpatha {W1}\n")
    assert found("MP011", good) == []  # a duplicate line: "duplicate line", harmless
    # user_friendly_names off: multipathd does not read the file; a warning
    off = node(tmp_path / "off", "alpha", f"mpatha {W1}\nmpatha {W3}\n", conf="defaults {\n}\n")
    [(severity, _, message)] = severities("MP011", off)
    assert severity == "warning" and "user_friendly_names is off" in message


def test_mp011_wwid_bound_to_two_aliases_is_a_warning(tmp_path: Path) -> None:
    """One WWID, two names: the map gets one (0.9.6: the first line's, 0.9.7: the first
    in alias order), the other never exists."""
    root = node(tmp_path / "a", "alpha", f"mpathaa {W1}\nmpathb {W2}\nmpathc {W1}\n")
    [(severity, line, message)] = severities("MP011", root)
    assert (severity, line) == ("warning", 10)
    assert "'mpathaa' up to 0.9.6, 'mpathc' from 0.9.7" in message
    same = node(tmp_path / "b", "alpha", f"mpatha {W1}\nmpathc {W1}\n")
    [(_, _, message)] = severities("MP011", same)
    assert "'mpatha' up to 0.9.6 and from 0.9.7" in message


def test_mp011_bindings_alias_multipath_conf_gives_another_wwid(tmp_path: Path) -> None:
    conf = UFN + f"multipaths {{\n  multipath {{\n    wwid {W2}\n    alias mpatha\n  }}\n}}\n"
    bad = node(tmp_path / "bad", "alpha", f"mpatha {W1}\n", conf=conf)
    [(severity, line, message)] = severities("MP011", bad)
    assert (severity, line) == ("error", 8)
    assert f"multipath.conf gives it to {W2}" in message
    good = node(tmp_path / "good", "alpha", f"mpatha {W2}\n", conf=conf)
    assert found("MP011", good) == []


# -- MP012 -----------------------------------------------------------------------------


def _domu(name: str) -> str:
    return f'name = "web"\nmemory = 512\ndisk = ["phy:/dev/mapper/{name},xvda,w"]\n'


def test_mp012_domu_name_bound_to_other_luns_on_two_nodes(tmp_path: Path) -> None:
    """Red Hat's DM Multipath guide: keep the bindings file identical on the nodes of a
    cluster (or use aliases); alpha's mpatha is W1, beta's W2: web migrates onto W2."""
    vm = {"etc/xen/vm/web": _domu("mpatha")}
    a = node(tmp_path / "bad", "alpha", f"mpatha {W1}\nmpathb {W2}\n", **vm)
    b = node(tmp_path / "bad", "beta", f"mpatha {W2}\nmpathb {W1}\n", **vm)
    rows = found("MP012", a, b)
    assert [(r[0], r[1], r[2]) for r in rows] == [("MP012", "web", 3), ("MP012", "web", 3)]
    text = messages("MP012", a, b)
    assert f"/dev/mapper/mpatha is {W1} on alpha but {W2} on beta" in text[0]
    a2 = node(tmp_path / "good", "alpha", f"mpatha {W1}\nmpathb {W2}\n", **vm)
    b2 = node(tmp_path / "good", "beta", f"mpatha {W1}\nmpathb {W2}\n", **vm)
    assert found("MP012", a2, b2) == []
    # a multipath.conf alias wins over the bindings file (MP004 compares those)
    conf = UFN + f"multipaths {{\n  multipath {{\n    wwid {W1}\n    alias mpatha\n  }}\n}}\n"
    a3 = node(tmp_path / "alias", "alpha", f"mpatha {W1}\n", conf=conf, **vm)
    b3 = node(tmp_path / "alias", "beta", f"mpatha {W2}\n", conf=conf, **vm)
    assert found("MP012", a3, b3) == []


def test_mp012_cib_resource_on_a_name_bound_to_other_luns(tmp_path: Path) -> None:
    """A Filesystem resource on /dev/mapper/mpatha mounts another LUN where the cluster
    starts it on beta, whose bindings give mpatha another WWID."""
    cib = {"var/lib/heartbeat/crm/cib.xml": CIB.format(name="mpatha")}
    a = node(tmp_path / "bad", "alpha", f"mpatha {W1}\n", **cib)
    b = node(tmp_path / "bad", "beta", f"mpatha {W2}\n")
    [msg] = messages("MP012", a, b)
    assert (
        f"fs uses /dev/mapper/mpatha: /dev/mapper/mpatha is {W1} on alpha but {W2} on beta" in msg
    )
    a2 = node(tmp_path / "good", "alpha", f"mpatha {W1}\n", **cib)
    b2 = node(tmp_path / "good", "beta", f"mpathb {W2}\nmpatha {W1}\n")
    assert found("MP012", a2, b2) == []


DRBD = """resource r0 {{
  protocol C;
  on alpha {{ device /dev/drbd0; disk /dev/mapper/{a}; address 10.0.0.1:7788; meta-disk internal; }}
  on beta {{ device /dev/drbd0; disk /dev/mapper/{b}; address 10.0.0.2:7788; meta-disk internal; }}
}}
"""


def test_mp012_drbd_disks_of_two_nodes_on_one_lun(tmp_path: Path) -> None:
    """DRBD backing disks are per node: mpatha being W1 on alpha and W2 on beta is how
    it should be; mpatha being W1 on alpha and beta's mpathb being W1 too (the nodes
    see the same LUNs, named in another order) is two DRBD nodes writing one LUN."""
    drbd = {"etc/drbd.conf": DRBD.format(a="mpatha", b="mpathb")}
    a = node(tmp_path / "bad", "alpha", f"mpatha {W1}\nmpathb {W2}\n", **drbd)
    b = node(tmp_path / "bad", "beta", f"mpatha {W2}\nmpathb {W1}\n", **drbd)
    [msg] = messages("MP012", a, b)
    assert f"gives {W1}: the LUN alpha's r0 uses as /dev/mapper/mpatha" in msg
    a2 = node(tmp_path / "good", "alpha", f"mpatha {W1}\nmpathb {W2}\n", **drbd)
    b2 = node(tmp_path / "good", "beta", f"mpatha {W1}\nmpathb {W2}\n", **drbd)
    assert found("MP012", a2, b2) == []


# -- MP008 / XN006 take the names the bindings file gives ----------------------------------


CIB = """<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/>
<resources><primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem">
<instance_attributes id="fs-ia"><attributes>
<nvpair id="fs-dev" name="device" value="/dev/mapper/{name}"/>
</attributes></instance_attributes></primitive></resources><constraints/></configuration>
<status/></cib>
"""


def test_mp008_xn006_take_a_name_the_bindings_file_gives(tmp_path: Path) -> None:
    """``alias_prefix san`` names maps ``sana``, ``sanb``: not shaped as mpathN, so
    they were unknown; the bindings file gives them. user_friendly_names set in a
    ``devices`` entry (0.5 on) turns the file on too. Without user_friendly_names the
    file is not read and the name stays unknown."""
    conf = (
        "defaults {\n  alias_prefix san\n}\n"
        'devices {\n  device {\n    vendor "LIO-ORG"\n    product ".*"\n'
        "    user_friendly_names yes\n  }\n}\n"
    )
    files = {
        "etc/xen/vm/web": _domu("sana"),
        "var/lib/heartbeat/crm/cib.xml": CIB.format(name="sana"),
    }
    good = node(tmp_path / "good", "alpha", f"sana {W1}\n", conf=conf, **files)
    assert found("XN006", good) == [] and found("MP008", good) == []
    off = node(tmp_path / "off", "alpha", f"sana {W1}\n", conf="defaults {\n}\n", **files)
    assert [r[1] for r in found("XN006", off)] == ["web"]
    assert [r[1] for r in found("MP008", off)] == ["cib.xml"]


def test_bindings_file_moved_by_multipath_conf(tmp_path: Path) -> None:
    """``bindings_file`` in ``defaults`` (0.4.5 to 0.9.6: dict.c; 0.9.7 deprecates it)
    moves the file: discovery reads it, and a stale /etc/multipath/bindings beside it is
    not what multipathd reads."""
    from xencfg import discover

    conf = UFN.replace("yes\n", 'yes\n  bindings_file "/srv/mp/bindings"\n')
    vm = {"etc/xen/vm/web": _domu("mpatha")}
    moved = {"srv/mp/bindings": HEADER + f"mpatha {W1}\n"}
    a = node(tmp_path, "alpha", f"mpatha {W3}\n", conf=conf, **vm, **moved)
    b = node(tmp_path, "beta", f"mpatha {W1}\n", **vm)
    read = discover.discover([str(a)])
    assert sorted(
        str(f.path.relative_to(a)) for f in read.files() if f.format == "multipath-bindings"
    ) == ["etc/multipath/bindings", "srv/mp/bindings"]
    assert found("MP012", a, b) == []  # alpha reads /srv/mp/bindings: mpatha is W1 there too
    stale = node(tmp_path / "s", "alpha", f"mpatha {W3}\n", **vm)
    assert len(found("MP012", stale, b)) == 2  # without the move the stale file counts


def test_mp012_nodes_of_separate_clusters_are_not_compared(tmp_path: Path) -> None:
    """gamma's ha.cf names gamma and delta: another heartbeat cluster, whose mpatha may
    be any LUN (its domUs never run on alpha)."""
    vm = {"etc/xen/vm/web": _domu("mpatha")}
    a = node(tmp_path, "alpha", f"mpatha {W1}\n", **vm)
    other = {"etc/ha.d/ha.cf": "node gamma delta\nbcast eth1\n", **vm}
    g = node(tmp_path, "gamma", f"mpatha {W2}\n", **other)
    assert found("MP012", a, g) == []
    b = node(tmp_path, "beta", f"mpatha {W2}\n", **vm)
    assert len(found("MP012", a, b)) == 2


# -- the daemon as a peer: multipath-tools 0.9.4's check_alias_settings ----------------------


def _multipath_alias_check(tmp: Path, conf: str, bindings: str) -> list[str]:
    """What multipath 0.9.4 says of ``bindings`` with ``conf`` as /etc/multipath.conf:
    ``multipath -B -b FILE -l`` runs main.c's ``check_alias_settings`` (``-t`` returns
    before it) in a mount namespace whose /etc is an overlay (as peer-multipath does);
    ``-B`` keeps the file read-only, so a conflict is reported, never rewritten."""
    import os
    import shutil
    import subprocess

    from conftest import unavailable

    if os.geteuid() != 0:
        unavailable("multipath's alias check needs root (it mounts an overlay on /etc)")
    if shutil.which("multipath") is None or shutil.which("unshare") is None:
        unavailable("multipath (multipath-tools) is not installed")
    (tmp / "u").mkdir(parents=True)
    (tmp / "w").mkdir()
    (tmp / "multipath.conf").write_text(conf)
    (tmp / "bindings").write_text(bindings)
    script = (
        'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc'
        ' && cp "$1/multipath.conf" /etc/multipath.conf'
        " && { mount -t tmpfs none /etc/multipath/conf.d 2>/dev/null || true; }"
        ' && exec multipath -B -b "$1/bindings" -l'
    )
    res = subprocess.run(
        ["unshare", "-m", "bash", "-c", script, "_", str(tmp)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = res.stdout + res.stderr
    return [re.sub(r"^\d+\.\d+ \| ", "", line) for line in out.splitlines() if "line" in line]


@pytest.mark.peer
def test_mp011_errors_are_the_lines_multipath_refuses(tmp_path: Path) -> None:
    """multipath 0.9.4 (libmultipath/alias.c ``_check_bindings_file``) reports "ERROR:
    multiple bindings for alias ... on line N" and "alias ... on line N conflicts with
    multipath.conf entry": exactly MP011's errors. A WWID under two aliases is no error
    to it (``add_binding`` keys by alias): MP011 only warns. Its "invalid line N ...
    missing WWID" / "extra args" are the lines the document's value problems name."""
    conf = UFN + "multipaths {\n  multipath {\n    wwid 36001405b2\n    alias mpathx\n  }\n}\n"
    bindings = HEADER + (
        "mpatha 36001405a1\nmpathb 36001405b2\nmpatha 36001405c3\nmpathc 36001405a1\n"
        "mpathd\nmpathe 36001405e5 extra\nmpathx 36001405f6\n"
    )
    theirs = _multipath_alias_check(tmp_path / "peer", conf, bindings)
    errors = sorted(int(m) for t in theirs if "ERROR" in t for m in re.findall(r"line (\d+)", t))
    invalid = sorted(int(m) for t in theirs for m in re.findall(r"invalid line (\d+)", t))
    root = node(tmp_path / "ours", "alpha", bindings.removeprefix(HEADER), conf=conf)
    ours = severities("MP011", root)
    assert errors == [10, 14] == sorted(line for sev, line, _ in ours if sev == "error")
    assert [line for sev, line, _ in ours if sev == "warning"] == [11]  # mpathc: WWID again
    doc = xencfg.loads(bindings, "multipath-bindings")
    assert invalid == [12, 13] == [doc.position(p.node)[0] for p in doc.value_problems()]


def test_user_friendly_names_as_propsel_reads_it(tmp_path: Path) -> None:
    """propsel.c ``select_user_friendly_names`` (0.5 on): a ``multipaths`` entry, then
    ``overrides``, then ``devices``, then ``defaults``. ``overrides { user_friendly_names
    no }`` turns the file off whatever ``defaults`` says, unless an entry turns it on:
    MP011 then says the file is not read (a warning)."""
    conflict = f"mpatha {W1}\nmpatha {W3}\n"

    def severity(sub: str, conf: str) -> str:
        [(sev, _, _)] = severities("MP011", node(tmp_path / sub, "alpha", conflict, conf=conf))
        return sev

    no = "overrides {\n  user_friendly_names no\n}\n"
    entry = "multipaths {\n  multipath {\n    wwid 3600A\n    user_friendly_names yes\n  }\n}\n"
    device = (
        'devices {\n  device {\n    vendor "X"\n    product "Y"\n'
        "    user_friendly_names yes\n  }\n}\n"
    )
    assert severity("defaults", UFN) == "error"
    assert severity("off", "defaults {\n  user_friendly_names no\n}\n") == "warning"
    assert severity("overrides", UFN + no) == "warning"
    assert severity("entry", UFN + no + entry) == "error"
    assert severity("device", device) == "error"
