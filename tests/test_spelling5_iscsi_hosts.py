"""ietd.conf LUN spellings and /etc/hosts scoped IPv6, as the daemons read them (helper mp5).

ietd (BackupTheBerlios/iscsitarget-svn, tags 0.4.12 to 1.4.19 and trunk): usr/plain.c
``plain_main_init`` hands the rest of a ``Lun N`` line to ``ki->lunit_create``;
usr/ctldev.c ``iscsi_lunit_create`` trims it and passes it to the kernel module,
whose kernel/volume.c ``set_iotype`` and kernel/file-io.c ``parse_fileio_params``
split it at ``,`` only (``strsep(&params, ",")``) and ``match_token`` each piece to
``Path=%s``, ``Type=%s``, ``ScsiId=%s``...: anything else is "unknown param"
(``return -EINVAL``), and a ``Path=`` with a blank after it keeps the blank in the
path. The LUN is then not created; ietd carries on without it.

glibc's nss_files (files-hosts.c ``LINE_PARSER``) reads an address with ``inet_pton``,
which takes no ``%scope``: ``getent hosts`` finds no name of a ``fe80::1%eth0`` line
(glibc 2.36, checked on the VM with the line bind-mounted over /etc/hosts). The line is
no error either way (it breaks nothing that worked), a warning that the line names
nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats.lines.ietd import IetdDocument

TARGET = "Target iqn.2026-11.net.example:storage.db\n"


def _ietd_errors(text: str) -> list[str]:
    doc = xencfg.loads(TARGET + text, "ietd")
    assert isinstance(doc, IetdDocument)
    assert xencfg.dumps(doc) == TARGET + text
    return [p.message for p in doc.value_problems() if not getattr(p, "harmless", False)]


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("\tLun 0 /dev/vg0/db fileio\n", "Lun 0 Path=/dev/vg0/db,Type=fileio"),
        ("\tLun 1 /dev/vg0/log\n", "Lun 1 Path=/dev/vg0/log"),
        ("\tLun 2 Path=/dev/vg0/x Type=blockio\n", "Lun 2 Path=/dev/vg0/x,Type=blockio"),
        ("\tLun 3 Path=/dev/vg0/y, Type=blockio\n", "Lun 3 Path=/dev/vg0/y,Type=blockio"),
    ],
)
def test_a_lun_ietd_refuses_is_an_error(line: str, fix: str) -> None:
    """file-io.c ``parse_fileio_params``: "unknown param" (or a path with a blank)."""
    errors = _ietd_errors(line)
    assert len(errors) == 1, errors
    assert "not exported" in errors[0] and f"Write '{fix}'" in errors[0]
    assert _ietd_errors(f"\t{fix}\n") == []


def test_an_option_key_in_another_case_is_an_unknown_param() -> None:
    """kernel/file-io.c ``match_token(p, tokens, args)`` with ``"Path=%s"``: case counts."""
    errors = _ietd_errors("\tLun 0 path=/dev/vg0/db,type=blockio\n")
    assert len(errors) == 1 and "'path=' is an \"unknown param\"" in errors[0]
    assert "write 'Path=', 'Type='" in errors[0]
    assert _ietd_errors("\tLun 0 Path=/dev/vg0/db,Type=blockio,Colour=blue\n") != []


def test_the_model_still_reads_what_the_positional_form_means() -> None:
    doc = xencfg.loads(TARGET + "\tLun 0 /dev/vg0/db blockio\n", "ietd")
    assert isinstance(doc, IetdDocument)
    lun = doc.targets[0].lun(0)
    assert lun is not None and (lun.path, lun.type) == ("/dev/vg0/db", "blockio")


def test_keyed_forms_ietd_reads_are_clean() -> None:
    assert (
        _ietd_errors(
            "\tLun 0 Path=/dev/vg0/db,Type=fileio,ScsiId=db0,IOMode=wb\n"
            "\tLun 1 Sectors=10000,Type=nullio\n"
            "\tlun 2 Path=/dev/vg0/z,Type=blockio\n"  # (the keyword in any case)
        )
        == []
    )


SCOPED = "127.0.0.1\tlocalhost\nfe80::1%eth0\tn1-ll\nfe80::2%2\tn2-ll\n10.0.0.1\tn1\n"


def test_a_scoped_ipv6_address_is_no_error_but_names_nothing(tmp_path: Path) -> None:
    doc = xencfg.loads(SCOPED, "hosts")
    assert xencfg.dumps(doc) == SCOPED
    problems = list(doc.value_problems())  # type: ignore[attr-defined]
    assert len(problems) == 2 and all(p.harmless for p in problems)
    assert doc.resolve("n1-ll") is None and str(doc.resolve("n1")) == "10.0.0.1"  # type: ignore[attr-defined]
    root = tree(tmp_path, "n1", {"etc/hosts": SCOPED})
    findings = lint.run([str(root)]).findings
    assert [f for f in findings if f.severity == "error"] == []
    warned = [f.line for f in findings if f.code == "XC005" and f.severity == "warning"]
    assert sorted(warned) == [2, 3]
