"""The terminals of the brace family's grammars, in the order Lark's lexer tries them.

Generated from the grammars by ``python -m xencfg.syntax.scan`` (then ``ruff
format``); tests/test_fast_paths.py checks that it is current. Do not edit.
"""

#: grammar -> ((terminal, regex), ...), first tried first
TERMINALS: dict[str, tuple[tuple[str, str], ...]] = {
    "drbd": (
        (
            "SKIP",
            "skip(?![^\\s{\\[])[^{]*\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}",
        ),
        ("STRING", '"(?:[^"\\\\\n]|\\\\.)*"'),
        ("WORD", '[^\\s;{}"#\xa0]+'),
        ("WS", "[ \t\x0c\\v\r\n\xa0]+"),
        ("COMMENT", "#[^\n]*"),
        ("LBRACE", "\\{"),
        ("RBRACE", "\\}"),
        ("SEMICOLON", ";"),
    ),
    "lvmlike": (
        ("STRING", '"(?:[^"\\\\\n]|\\\\.)*"'),
        ("WORD", '[^\\s"\\[\\]{},=#]+'),
        ("WS", "[ \t\x0c\\v\r\n\xa0]+"),
        ("COMMENT", "#[^\n]*"),
        ("COMMA", ","),
        ("EQ", "="),
        ("LBRACE", "\\{"),
        ("LSQB", "\\["),
        ("RBRACE", "\\}"),
        ("RSQB", "\\]"),
    ),
    "multipath": (
        ("STRING", '"(?:[^"\n]|"")*"'),
        ("WORD", '[^\\s"{}#!]+'),
        ("WS", "[ \t\x0c\\v\r\xa0]+"),
        ("COMMENT", "[#!][^\n]*"),
        ("_NL", "\r?\n"),
        ("LBRACE", "\\{"),
        ("RBRACE", "\\}"),
    ),
    "xend": (
        ("STRING", "(?:(?s:'(?:[^'\\\\]|\\\\.)*')|(?s:\"(?:[^\"\\\\]|\\\\.)*\"))"),
        ("WORD", "[^\\s()'\"#\ufeff][^\\s()'\"\ufeff]*"),
        ("COMMENT", "#[^\n]*"),
        ("WS", "[\\s\ufeff]+"),
        ("LPAR", "\\("),
        ("RPAR", "\\)"),
    ),
}

#: grammar -> its %ignore'd terminals
IGNORED: dict[str, frozenset[str]] = {
    "drbd": frozenset(("COMMENT", "WS")),
    "lvmlike": frozenset(("COMMENT", "WS")),
    "multipath": frozenset(("COMMENT", "WS")),
    "xend": frozenset(("COMMENT", "WS")),
}
