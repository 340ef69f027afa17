"""The splice engine's edit behaviour (syntax/tree.py), shown on multipath.conf."""

from __future__ import annotations

import xencfg
from xencfg.syntax.blocks import Block, Entry

TEXT = """\
# header comment
defaults {
\tpolling_interval 5   # inline
}

# about the blacklist
blacklist {
\tdevnode "^sd[a-z]"
\twwid 3600a
}
multipaths {
}
"""


def load() -> xencfg.Document:
    return xencfg.loads(TEXT, "multipath")


def test_unchanged_is_byte_exact() -> None:
    assert xencfg.dumps(load()) == TEXT


def test_removing_a_section_takes_its_comments_and_nothing_else() -> None:
    doc = load()
    doc.children.remove(doc.section("blacklist"))  # type: ignore[attr-defined]
    # the blank line and the comment above it lead the section, so they go too
    assert xencfg.dumps(doc) == TEXT.replace(
        '\n# about the blacklist\nblacklist {\n\tdevnode "^sd[a-z]"\n\twwid 3600a\n}\n', ""
    )


def test_reordering_moves_whole_nodes() -> None:
    doc = load()
    bl = doc.section("blacklist")  # type: ignore[attr-defined]
    bl.children.reverse()
    assert '\twwid 3600a\n\tdevnode "^sd[a-z]"\n}' in xencfg.dumps(doc)


def test_insert_into_an_empty_block_uses_one_more_indent() -> None:
    doc = load()
    doc.section("multipaths").children.append(Block("multipath", children=[Entry("wwid", ["1"])]))  # type: ignore[union-attr]
    assert xencfg.dumps(doc).endswith("multipaths {\n\tmultipath {\n\t\twwid 1\n\t}\n}\n")


def test_new_entry_copies_sibling_indent() -> None:
    text = "defaults {\n    polling_interval 5\n}\n"
    doc = xencfg.loads(text, "multipath")
    doc.section("defaults").set("failback", "immediate")  # type: ignore[attr-defined]
    assert xencfg.dumps(doc) == "defaults {\n    polling_interval 5\n    failback immediate\n}\n"


def test_append_to_a_file_without_final_newline() -> None:
    doc = xencfg.loads("defaults {\n\tpolling_interval 5\n}", "multipath")
    doc.children.append(Block("blacklist", children=[Entry("wwid", ["x"])]))  # type: ignore[attr-defined]
    assert xencfg.dumps(doc) == "defaults {\n\tpolling_interval 5\n}\nblacklist {\n\twwid x\n}\n"


def test_value_edit_keeps_inline_comment_and_padding() -> None:
    doc = load()
    doc.section("defaults").set("polling_interval", "10")  # type: ignore[attr-defined]
    assert "\tpolling_interval 10   # inline\n" in xencfg.dumps(doc)


def test_removing_every_value_of_an_entry() -> None:
    doc = load()
    doc.section("defaults").entry("polling_interval").values = []  # type: ignore[union-attr]
    assert "\tpolling_interval   # inline\n" in xencfg.dumps(doc)


def test_renaming_a_key_keeps_its_value() -> None:
    doc = load()
    doc.section("defaults").entry("polling_interval").key = "max_polling_interval"  # type: ignore[union-attr]
    assert "\tmax_polling_interval 5   # inline\n" in xencfg.dumps(doc)


def test_edit_then_revert_is_byte_exact() -> None:
    doc = load()
    e = doc.section("defaults").entry("polling_interval")  # type: ignore[union-attr]
    e.values = ["7"]
    e.values = ["5"]
    assert xencfg.dumps(doc) == TEXT


def test_renaming_a_flag_that_gains_a_value() -> None:
    # DRBD 8.4's 'no-disk-flushes;' -> 'disk-flushes no;': key and value change at once,
    # and the value goes after the (old) key token
    doc = xencfg.loads("common {\n  disk { no-disk-flushes; }\n}\n", "drbd")
    entry = doc.common_block.block("disk").entry("no-disk-flushes")  # type: ignore[attr-defined]
    entry.key, entry.values = "disk-flushes", ["no"]
    assert xencfg.dumps(doc) == "common {\n  disk { disk-flushes no; }\n}\n"
