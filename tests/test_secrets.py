"""Secret masking (xencfg.secrets)."""

from __future__ import annotations

from xencfg.secrets import MASK, masked, redact


def test_redact_replaces_every_occurrence_longest_first() -> None:
    text = (
        'key "SomeLongStringWithRandomChars" and SomeLong and again SomeLongStringWithRandomChars'
    )
    out = redact(text, ["SomeLong", "SomeLongStringWithRandomChars"])
    assert "SomeLong" not in out
    assert out.count(MASK) == 3


def test_redact_ignores_trivial_values() -> None:
    assert redact("auth 1\n1 crc\n", ["1", "no", ""]) == "auth 1\n1 crc\n"


def test_redact_escapes_regex_characters() -> None:
    assert redact("pw=a.b*c+(d)", ["a.b*c+(d)"]) == "pw=" + MASK


def test_masked() -> None:
    assert masked("secret") == MASK
    assert masked("secret", show=True) == "secret"
    assert masked(None) is None


def test_redact_catches_escaped_spellings() -> None:
    """A password with quotes or an ampersand, as XML and JSON write it."""
    import json

    secret = "p\"w&'d\\x"
    xml = '<nvpair name="passwd" value="p&quot;w&amp;\'d\\x"/>'
    for text in (secret, xml, json.dumps(secret), json.dumps(xml), json.dumps({"t": xml})):
        assert redact(text, [secret]).count(MASK) == 1, text
