"""Exception comments: ``# archrules: allow[rule-a, rule-b] ADR-0012 free words``."""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable

from archrules.core.reading.text import SPACE, Source
from archrules.core.types import ExceptionComment, Range, parse_adr_id

_ALLOW = re.compile(r"#\s*archrules:\s*allow\s*\[([^\]]*)\]")
_RULE = re.compile(r"[^\s,]+")
_ADR = re.compile(r"\s*(ADR-\d+)(?![\w-])", re.IGNORECASE)


def _exception_comment(line: int, col: int, comment: str, before: str) -> ExceptionComment | None:
    """``comment`` (from its ``#`` to the line end) starts at (line, col)."""
    match = _ALLOW.search(comment)
    if match is None:
        return None
    base = col + match.start()
    content_at = col + match.start(1)
    rules: list[str] = []
    rule_ranges: list[Range] = []
    for rule in _RULE.finditer(match.group(1)):
        rules.append(rule.group())
        rule_ranges.append(Range(line, content_at + rule.start(), line, content_at + rule.end()))
    adr_text: str | None = None
    adr_range: Range | None = None
    adr = _ADR.match(comment, match.end())
    if adr is not None:
        adr_text = adr.group(1)
        adr_range = Range(line, col + adr.start(1), line, col + adr.end(1))
    return ExceptionComment(
        line=line,
        own_line=not before.strip(SPACE + "\ufeff"),
        rules=tuple(rules),
        rule_ranges=tuple(rule_ranges),
        adr=parse_adr_id(adr_text) if adr_text else None,
        adr_text=adr_text,
        adr_range=adr_range,
        range=Range(line, base, line, col + len(comment)),
    )


def _heuristic_comment(text: str) -> int | None:
    """Column of a ``#`` outside quotes on one line, or None (triple quotes stay open)."""
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return i
        i += 1
    return None


def exception_comments(src: Source) -> tuple[ExceptionComment, ...]:
    if "archrules:" not in src.text:
        return ()
    lines = src.lines
    last = len(lines) - 1
    found: list[ExceptionComment] = []

    def feed() -> Callable[[], str]:
        numbered = iter(range(len(lines)))

        def readline() -> str:
            for i in numbered:
                text = lines[i][src.shift :] if i == 0 else lines[i]
                return text if i == last else text + "\n"
            return ""

        return readline

    resume = 0
    try:
        for token in tokenize.generate_tokens(feed()):
            resume = token.end[0]
            if token.type == tokenize.COMMENT and "archrules:" in token.string:
                line = token.start[0] - 1
                col = token.start[1] + (src.shift if line == 0 else 0)
                comment = _exception_comment(line, col, token.string, lines[line][:col])
                if comment is not None:
                    found.append(comment)
    except Exception:  # tokenize gave up midway (broken file): read the rest by heuristic
        for line in range(resume, len(lines)):
            text = lines[line]
            if "archrules:" not in text:
                continue
            at = _heuristic_comment(text)
            if at is not None:
                comment = _exception_comment(line, at, text[at:], text[:at])
                if comment is not None:
                    found.append(comment)
    return tuple(found)
