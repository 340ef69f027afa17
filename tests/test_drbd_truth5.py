"""DRBD lint truth, fifth pass: each expected verdict is drbdadm's (drbd-utils 9.22 run
as peer-drbdadm ``--mode 83|84|9``, /work/shared/oracle/peers) or a line of the
drbd-utils source named beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats.schema import Version

DRBD_DOMAINS = (
    "resource r0 {\n"
    "  on alpha.b.com {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n"
    "  on beta.b.com {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788;\n    meta-disk internal;\n  }\n}\n"
)


def _lint(roots: list[Path], code: str, release: str | None = None) -> list[str]:
    versions = {"drbd": Version.parse(release)} if release else None
    return [
        f.message
        for f in lint.run([str(r) for r in roots], select=[code], versions=versions).findings
    ]


# -- LS015: drbdadm's hostnames_equal, not a short-name match ------------------------------


@pytest.mark.parametrize(
    ("release", "uname", "accepted"),
    [
        # user/v9/drbdadm_parser.c hostnames_equal: "Both hostnames contain a domain part.
        # return !strcasecmp(a, b)" -- peer-drbdadm --mode 9 --node alpha.a.com on this
        # file: "# resource r0 on alpha.a.com: ignored, not stacked"
        ("9.2.0", "alpha.a.com", False),
        # ... same name in another case: "not ignored" (strcasecmp)
        ("9.2.0", "ALPHA.B.COM", True),
        # "One or both hostnames are short": host parts compared, any case ("not ignored")
        ("9.2.0", "ALPHA", True),
        ("9.2.0", "alpha", True),
        # drbdadm 8.4 compares with strcmp: --mode 84 --node ALPHA.B.COM "ignored",
        # --node alpha "ignored", --node alpha.b.com "not ignored"
        ("8.4.11", "ALPHA.B.COM", False),
        ("8.4.11", "alpha", False),
        ("8.4.11", "alpha.b.com", True),
    ],
)
def test_ls015_follows_hostnames_equal(
    tmp_path: Path, release: str, uname: str, accepted: bool
) -> None:
    root = tree(
        tmp_path,
        "alpha",
        {
            "etc/hostname": "alpha\n",
            "etc/drbd.conf": DRBD_DOMAINS,
            "var/lib/xencfg/state/uname_n.txt": uname + "\n",
        },
    )
    got = _lint([root], "LS015", release)
    assert (got == []) is accepted, got


# -- Connection.all_paths: the paths drbdadm 9's parse_connection makes -------------------


def test_connection_all_paths_as_parse_connection_makes_them() -> None:
    # user/v9/drbdadm_parser.c parse_connection: host statements before any 'path'
    # section form path0; each 'path' section is a path; a host statement after a
    # path section is refused ("Explicit and implicit paths not allowed")
    from xencfg.formats.drbd import DrbdDocument

    def paths(conn: str) -> list[list[str]]:
        doc = xencfg.loads(f"resource r0 {{\n  connection {{\n{conn}  }}\n}}\n", format="drbd")
        assert isinstance(doc, DrbdDocument)
        (c,) = doc.resource_list()[0].connections
        return [[h.name for h in p] for p in c.all_paths]

    implicit = "    host a address 10.0.0.1:7000;\n    host b address 10.0.0.2:7000;\n"
    path = (
        "    path {\n      host a address 10.1.0.1:7000;\n"
        "      host b address 10.1.0.2:7000;\n    }\n"
    )
    assert paths(implicit) == [["a", "b"]]
    assert paths(path) == [["a", "b"]]
    assert paths(implicit + path + path) == [["a", "b"], ["a", "b"], ["a", "b"]]
    # a host section (with 'via proxy') counts as a host statement does
    section = "    host a { }\n    host b address 10.0.0.2:7000;\n"
    assert paths(section + path) == [["a", "b"], ["a", "b"]]
    # the host after the path section is left out
    assert paths(path + "    host c address 10.0.0.3:7000;\n") == [["a", "b"]]
    assert paths("") == []
