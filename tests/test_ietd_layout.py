"""Lines added to an ietd.conf through the API look like the file's own: the
indentation of its target lines, a blank line before a new target where the file
sets its targets apart, its line ending. ietd reads any layout: IET's usr/plain.c
reads each line's words with ``target_sep_string``, which first skips white space
(``for (p = *pp; isspace(*p); p++)``), and a line without a word (a blank one) is
passed over; so this is about the admin's diff, never about what ietd reads."""

from __future__ import annotations

import xencfg
from xencfg.formats.lines.ietd import IetdDocument

SPACED = """# storage box
Target iqn.2026-11.net.example:web
    Lun 0 Path=/dev/vg0/web,Type=blockio

# the db target
Target iqn.2026-11.net.example:db
    Lun 0 Path=/dev/vg0/db,Type=blockio
"""


def ietd(text: str) -> IetdDocument:
    doc = xencfg.loads(text, "ietd")
    assert isinstance(doc, IetdDocument)
    return doc


def test_new_target_takes_the_files_indent_and_blank_line() -> None:
    doc = ietd(SPACED)
    assert xencfg.dumps(doc) == SPACED  # nothing added: byte-exact
    mail = doc.add_target("iqn.2026-11.net.example:mail", ("/dev/vg0/mail", "blockio"))
    mail.add_user("alpha", "mailpass12345")
    web = doc.target("iqn.2026-11.net.example:web")
    assert web is not None
    web.set_param("MaxConnections", 1)
    assert xencfg.dumps(doc) == SPACED.replace(
        "web,Type=blockio\n", "web,Type=blockio\n    MaxConnections 1\n"
    ) + (
        "\n"
        "Target iqn.2026-11.net.example:mail\n"
        "    Lun 0 Path=/dev/vg0/mail,Type=blockio\n"
        "    IncomingUser alpha mailpass12345\n"
    )
    again = ietd(xencfg.dumps(doc))
    assert [t.name.rsplit(":", 1)[1] for t in again.targets] == ["web", "db", "mail"]
    assert [u.name for u in again.targets[2].users] == ["alpha"]


def test_targets_without_blank_lines_get_none() -> None:
    text = "Target iqn.2026-11.net.example:a\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
    text += "Target iqn.2026-11.net.example:b\n\tLun 0 Path=/dev/sdc,Type=blockio\n"
    doc = ietd(text)
    doc.add_target("iqn.2026-11.net.example:c", ("/dev/sdd", "blockio"))
    assert xencfg.dumps(doc) == text + (
        "Target iqn.2026-11.net.example:c\n\tLun 0 Path=/dev/sdd,Type=blockio\n"
    )


def test_unindented_target_lines_stay_unindented_and_crlf_stays_crlf() -> None:
    text = "IncomingUser disc discpass1234\r\n\r\nTarget iqn.2026-11.net.example:a\r\n"
    text += "Lun 0 Path=/dev/sdb,Type=blockio\r\n"
    doc = ietd(text)
    doc.targets[0].add_lun("/dev/sdc")
    doc.add_target("iqn.2026-11.net.example:b")
    assert xencfg.dumps(doc) == text + (
        "Lun 1 Path=/dev/sdc,Type=blockio\r\n\r\nTarget iqn.2026-11.net.example:b\r\n"
    )


def test_a_document_built_in_code_is_canonical() -> None:
    doc = IetdDocument()
    doc.add_target("iqn.2026-11.net.example:a", ("/dev/sdb", "blockio"))
    doc.add_target("iqn.2026-11.net.example:b", ("/dev/sdc", "fileio"))
    assert xencfg.dumps(doc) == (
        "Target iqn.2026-11.net.example:a\n\tLun 0 Path=/dev/sdb,Type=blockio\n"
        "Target iqn.2026-11.net.example:b\n\tLun 0 Path=/dev/sdc,Type=fileio\n"
    )
