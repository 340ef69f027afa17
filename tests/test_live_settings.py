"""Setters that are accepted have an effect (issue 19): ``doc.global_``, a resource's
``sections`` and multipath's ``defaults``/``overrides`` are dicts that edit the file, and
what they add is indented like its neighbours."""

from __future__ import annotations

import difflib

import pytest

import xencfg

DRBD = """# replicated disk of the web domU
resource web {
\tnet {
\t\tprotocol C;
\t\tafter-sb-0pri discard-zero-changes;
\t}
\ton alpha {
\t\tdevice /dev/drbd0; disk /dev/vg0/web; address 10.0.0.1:7788; meta-disk internal;
\t}
\ton beta {
\t\tdevice /dev/drbd0; disk /dev/vg0/web; address 10.0.0.2:7788; meta-disk internal;
\t}
}
"""


def changed(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_resource_sections_edit_the_file() -> None:
    doc = xencfg.loads(DRBD, "drbd")
    res = doc.resource_list()[0]
    res.sections["net"]["protocol"] = "A"
    assert changed(DRBD, doc.dumps()) == ["-\t\tprotocol C;", "+\t\tprotocol A;"]
    res.sections["net"]["max-buffers"] = "8000"  # a new statement, indented as its siblings
    del res.sections["net"]["after-sb-0pri"]
    res.sections["disk"] = {"on-io-error": "detach"}  # a new section
    text = doc.dumps()
    assert "\t\tprotocol A;\n\t\tmax-buffers 8000;\n\t}\n" in text
    assert "after-sb-0pri" not in text
    assert text.endswith("\t}\n\tdisk {\n\t\ton-io-error detach;\n\t}\n}\n")
    again = xencfg.loads(text, "drbd").resource_list()[0]
    assert again.sections == {
        "net": {"protocol": "A", "max-buffers": "8000"},
        "disk": {"on-io-error": "detach"},
    }
    assert res.sections == again.sections  # the view reads what it wrote


def test_drbd_global_is_created_first_and_edited_in_place() -> None:
    doc = xencfg.loads(DRBD, "drbd")
    doc.global_["usage-count"] = "no"
    text = doc.dumps()
    # (a section made in code is set apart from the file's text by a blank line)
    assert text.startswith("global {\n\tusage-count no;\n}\n\n# replicated disk")
    doc = xencfg.loads(text, "drbd")
    doc.global_["usage-count"] = "yes"
    doc.global_.update({"minor-count": "64"})
    assert changed(text, doc.dumps()) == [
        "-\tusage-count no;",
        "+\tusage-count yes;",
        "+\tminor-count 64;",
    ]
    assert xencfg.loads(doc.dumps(), "drbd").global_ == {"usage-count": "yes", "minor-count": "64"}


def test_copies_are_plain_and_none_is_refused() -> None:
    doc = xencfg.loads(DRBD, "drbd")
    copy = dict(doc.global_)
    copy["usage-count"] = "no"  # a copy is a copy
    assert doc.global_.copy() == {} and doc.dumps() == DRBD
    with pytest.raises(TypeError, match="del the key"):
        doc.resource_list()[0].sections["net"]["protocol"] = None
    with pytest.raises(KeyError):
        del doc.global_["usage-count"]


MP = 'blacklist {\n  devnode "^sda"\n}\ndefaults {\n  polling_interval 5\n}\n'


def test_multipath_defaults_edit_the_file_with_its_indentation() -> None:
    doc = xencfg.loads(MP, "multipath")
    doc.defaults["polling_interval"] = "10"
    doc.defaults["user_friendly_names"] = "yes"
    assert doc.dumps() == MP.replace("5\n", "10\n  user_friendly_names yes\n")
    doc.overrides["no_path_retry"] = "fail"  # a new section: two spaces, as the file
    assert doc.dumps().endswith("overrides {\n  no_path_retry fail\n}\n")
    again = xencfg.loads(doc.dumps(), "multipath")
    assert again.defaults == {"polling_interval": "10", "user_friendly_names": "yes"}
    assert again.overrides == {"no_path_retry": "fail"}


def test_crlf_files_stay_crlf() -> None:
    text = MP.replace("\n", "\r\n")
    doc = xencfg.loads(text, "multipath")
    doc.defaults["user_friendly_names"] = "no"
    assert doc.dumps() == text.replace("5\r\n", "5\r\n  user_friendly_names no\r\n")


def test_lvm_sections_take_the_files_indentation() -> None:
    doc = xencfg.loads('devices {\n  filter = [ "a|.*|" ]\n}\n', "lvm")
    doc.set("global/locking_type", "3")  # type: ignore[attr-defined]
    assert doc.dumps().endswith("global {\n  locking_type = 3\n}\n")


def test_a_multipath_entry_settings_edit_it() -> None:
    doc = xencfg.loads("multipaths {\n\tmultipath {\n\t\twwid 3600a1\n\t}\n}\n", "multipath")
    m = doc.multipaths[0]
    m.settings["alias"] = "data"
    m.settings["no_path_retry"] = "5"
    assert doc.dumps() == (
        "multipaths {\n\tmultipath {\n\t\twwid 3600a1\n\t\talias data\n"
        "\t\tno_path_retry 5\n\t}\n}\n"
    )
    assert doc.multipaths[0].alias == "data"


def test_computed_dicts_refuse_edits_that_would_change_nothing() -> None:
    """A dict computed from the file (merged, folded, typed) cannot say where an edit
    should go: writing to it raises instead of seeming to work (issue 19)."""
    drbd_text = (
        "resource r0 {\n  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; "
        "meta-disk internal; }\n}\n"
    )
    views = [
        xencfg.loads(drbd_text, "drbd").resources["r0"].effective("a").sections,
        xencfg.loads(drbd_text, "drbd").common,  # no common section
        xencfg.loads("name = 'vm'\n", "xm").settings,
        xencfg.loads("node.startup = automatic\n", "iscsid").settings,
        xencfg.loads("logfacility daemon\n", "logd").settings,
        xencfg.loads("totem {\n\tversion: 2\n}\n", "corosync").totem.settings,  # type: ignore[union-attr]
    ]
    for view in views:
        with pytest.raises(TypeError, match="cannot be edited"):
            view["x"] = "y"
        with pytest.raises(TypeError):
            view.update({"x": "y"})
        copy = view.copy()  # a plain dict to work with
        copy["x"] = "y"


def test_drbd_common_edits_the_file() -> None:
    doc = xencfg.loads("common {\n  net { protocol C; }\n}\n", "drbd")
    doc.common["disk"] = {"on-io-error": "detach"}
    doc.common["net"]["protocol"] = "B"
    assert xencfg.dumps(doc) == (
        "common {\n  net { protocol B; }\n  disk {\n    on-io-error detach;\n  }\n}\n"
    )
