"""``xencfg.WriteError`` names the file it failed on in ``.path``, as ParseError and
ValidationError do: a caller writing many files (migrate, a fleet edit) tells which
one failed without parsing the message."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import xencfg
from xencfg.writer import write_atomic


def test_dump_of_a_file_changed_on_disk_names_it(tmp_path: Path) -> None:
    conf = tmp_path / "multipath.conf"
    conf.write_text("defaults {\n\tuser_friendly_names yes\n}\n")
    doc = xencfg.load(conf)
    conf.write_text("defaults {\n\tuser_friendly_names no\n}\n")  # someone else's edit
    with pytest.raises(xencfg.WriteError) as info:
        xencfg.dump(doc)
    err = info.value
    assert err.path == str(conf)
    assert err.reason == "changed on disk since it was loaded; not written"
    assert str(err) == f"{conf}: {err.reason}"  # the message as before
    again = pickle.loads(pickle.dumps(err))
    assert (again.path, again.reason, str(again)) == (err.path, err.reason, str(err))


def test_a_dangling_link_and_a_missing_folder_are_named(tmp_path: Path) -> None:
    link = tmp_path / "ha.cf"
    os.symlink(tmp_path / "nowhere" / "ha.cf", link)
    with pytest.raises(xencfg.WriteError) as info:
        write_atomic(str(link), b"x\n")
    assert info.value.path == str(link) and "dangling symlink" in info.value.reason
    missing = tmp_path / "no-such-dir" / "drbd.conf"
    with pytest.raises(xencfg.WriteError) as info:
        write_atomic(str(missing), b"x\n")
    assert info.value.path == str(missing) and str(info.value).startswith(f"{missing}: ")


def test_a_write_error_made_without_a_path_says_only_its_reason() -> None:
    err = xencfg.WriteError("disk full")
    assert err.path is None and str(err) == "disk full"
