"""Gitignore-style path matching, written for archrules (no third-party dependency: ADR-0020
says why not pathspec; ``tests/test_ignore.py`` checks this module against git itself).

The semantics follow gitignore(5):

- blank lines and lines starting with ``#`` match nothing; ``\\#`` and ``\\!`` stand for a
  literal ``#`` / ``!`` at the start of a pattern; trailing spaces are trimmed unless
  escaped with a backslash (``foo\\ ``);
- ``!pattern`` re-includes what an earlier pattern excluded; the last matching pattern wins;
- a trailing ``/`` makes the pattern match directories only;
- a ``/`` at the start or in the middle anchors the pattern to the directory of the file
  that holds it (its *base*); otherwise the pattern matches a name at any depth below it;
- ``*`` matches anything but ``/``, ``?`` one character but ``/``, ``[abc]``, ``[a-z]``,
  ``[!a]`` / ``[^a]`` and POSIX classes ``[[:digit:]]`` one character (never ``/``);
- ``**/x`` matches ``x`` at any depth, ``x/**`` everything inside ``x``, ``a/**/b`` zero or
  more directories between ``a`` and ``b``; any other ``**`` acts like ``*``.

As in git, a pattern with an unclosed ``[``, an unknown ``[:class:]`` or a trailing lone
backslash matches nothing, an empty segment (``a//b``) matches nothing, and matching is
case-sensitive. "A file cannot be re-included if a parent directory is excluded" is the
walker's business: it does not enter an ignored directory (see ``IgnoreStack``).

Two deliberate differences from git's implementation, where it departs from its own
documentation: in ``a**/x``, git lets the ``**`` cross ``/`` (it strips the literal prefix
``a`` first, and the ``**`` is then "leading"); here it is a plain ``*``, as gitignore(5)
says. An escaped slash ``\\/`` is a separator here.

Each pattern is translated to a regular expression once. The expressions have no nested
quantifiers, and no two unbounded repetitions that can backtrack against each other: text
between two ``*`` of a name, and a run of segments between two ``**``, is matched at its
leftmost place, atomically (emulated with a lookahead and a backreference; there are no
atomic groups before Python 3.11), which is always correct for globs. The work per path is
at most quadratic in its length whatever the pattern (``*a*a*a*a*b`` on ``aaaa...`` does
not explode). All the patterns of one file are joined into a single alternation, tried last
pattern first, so one ``fullmatch`` tells which pattern decides.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from archrules.core.files import read_bytes

__all__ = ["IgnorePattern", "IgnoreRules", "IgnoreStack", "compile_pattern"]

_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}

_STAR = "*"
_QMARK = "?"


class _Invalid(Exception):
    """A pattern git would never match (unclosed class, trailing backslash)."""


@dataclass(frozen=True)
class IgnorePattern:
    """One effective line of an ignore file."""

    text: str  # the line as written (trailing newline removed)
    line: int  # 1-based line number in its source
    negated: bool  # ``!pattern``
    dir_only: bool  # trailing ``/``
    anchored: bool  # relative to the base directory only
    regex: str  # the translation, matched against the ``/``-separated relative path


def _trim_trailing_spaces(line: str) -> str:
    end = 0
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            end = i
        elif ch == " ":
            i += 1
        else:
            i += 1
            end = i
    return line[:end]


def _parse_class(body: str, start: int) -> tuple[str, int]:
    """Translate the class opening at ``body[start] == '['``; return (regex, next index)."""
    n = len(body)
    j = start + 1
    negate = j < n and body[j] in "!^"
    if negate:
        j += 1
    items: list[str] = []
    first = True
    while True:
        if j >= n:
            raise _Invalid
        ch = body[j]
        if ch == "]" and not first:
            j += 1
            break
        first = False
        if ch == "[" and body.startswith("[:", j):
            end = body.find(":]", j + 2)
            if end != -1:
                name = body[j + 2 : end]
                if name not in _POSIX_CLASSES:
                    raise _Invalid
                items.append(_POSIX_CLASSES[name])
                j = end + 2
                continue
        if ch == "\\":
            j += 1
            if j >= n:
                raise _Invalid
            ch = body[j]
        if j + 2 < n and body[j + 1] == "-" and body[j + 2] != "]":
            hi_index = j + 2
            if body[hi_index] == "\\":
                hi_index += 1
                if hi_index >= n:
                    raise _Invalid
            hi = body[hi_index]
            # as in git, the low end matches even when the range is reversed ('[z-a]' is 'z')
            items.append(f"{re.escape(ch)}-{re.escape(hi)}" if ch <= hi else re.escape(ch))
            j = hi_index + 1
            continue
        items.append(re.escape(ch))
        j += 1
    inner = "".join(items)
    if negate:
        return f"[^/{inner}]", j
    if not inner:
        return "(?!)", j
    return f"(?!/)[{inner}]", j


def _segments(body: str) -> list[list[str]]:
    """Split a pattern body on ``/`` into segments of tokens.

    A token is ``_STAR``, ``_QMARK`` or a regex fragment (an escaped literal or a class).
    """
    segments: list[list[str]] = [[]]
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "\\":
            i += 1
            if i >= n:
                raise _Invalid
            ch = body[i]
            if ch == "/":
                segments.append([])
            else:
                segments[-1].append(re.escape(ch))
            i += 1
        elif ch == "/":
            segments.append([])
            i += 1
        elif ch in (_STAR, _QMARK):
            segments[-1].append(ch)
            i += 1
        elif ch == "[":
            fragment, i = _parse_class(body, i)
            segments[-1].append(fragment)
        else:
            segments[-1].append(re.escape(ch))
            i += 1
    return segments


def _is_double_star(segment: list[str]) -> bool:
    return len(segment) >= 2 and all(token == _STAR for token in segment)


class _Names:
    """Names for the capturing groups of one pattern's atomic steps (renumbered when the
    patterns of a file are joined)."""

    def __init__(self) -> None:
        self.count = 0

    def atomic(self, regex: str) -> str:
        """``regex`` matched once, at its first success, never backtracked into.

        ``(?=(?P<n>X))(?P=n)``: the lookahead finds the first way ``X`` matches, the
        backreference consumes exactly that text. Python 3.10 has no atomic groups.
        """
        name = f"{_GROUP}{self.count}"
        self.count += 1
        return f"(?=(?P<{name}>{regex}))(?P={name})"


_GROUP = "_g"


def _translate_segment(segment: list[str], names: _Names) -> str:
    """One path segment. ``*`` stops at ``/``; between two stars, the text in between is
    matched at its leftmost place, atomically: a later place could only leave less to the
    rest, which starts with a star. Only the last star backtracks, over one segment."""
    chunks: list[str] = [""]
    for token in segment:
        if token == _STAR:
            if chunks[-1] or len(chunks) == 1:
                chunks.append("")
            continue  # runs of stars inside a name act like one '*'
        chunks[-1] += "[^/]" if token == _QMARK else token
    out = [chunks[0]]
    for middle in chunks[1:-1]:
        out.append(names.atomic(f"[^/]*?{middle}"))
    if len(chunks) > 1:
        out.append(f"[^/]*{chunks[-1]}")
    return "".join(out)


def _translate(body: str, anchored: bool) -> str:
    """The regex for a pattern body, matched with ``fullmatch`` on a relative path.

    No nested quantifiers, and no two unbounded repetitions that can backtrack against
    each other: the work per path is at most quadratic in its length, whatever the pattern.
    """
    names = _Names()
    groups: list[list[str]] = [[]]  # runs of segments separated by '**' segments
    for segment in _segments(body):
        if _is_double_star(segment):
            groups.append([])
        else:
            groups[-1].append(_translate_segment(segment, names))
    if len(groups) == 1:
        single = "/".join(groups[0])
        return single if anchored else f"(?:.*/)?{single}"
    first, *middle, last = groups
    middle = [run for run in middle if run]  # 'a/**/**/b' is 'a/**/b'
    out = ["/".join(first) + "/" if first else ""]
    # each middle run: after zero or more directories, at its first place (the rest
    # starts with '**', which absorbs whatever a later place would have skipped)
    out.extend(names.atomic(f"(?:|.*?/){'/'.join(run)}/") for run in middle)
    if last:
        out.append(f"(?:.*/)?{'/'.join(last)}")
    elif first or middle:
        out.append(".+")  # trailing '/**': something inside
    else:
        out.append(".*")  # '**' alone
    return "".join(out)


def compile_pattern(text: str, line: int = 0) -> IgnorePattern | None:
    """Parse one ignore-file line; ``None`` for blank lines, comments and invalid patterns."""
    pattern = text.rstrip("\r\n")
    pattern = _trim_trailing_spaces(pattern)
    if not pattern or pattern.startswith("#"):
        return None
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    dir_only = body.endswith("/")
    if dir_only:
        body = body[:-1]
    if not body:
        return None
    anchored = "/" in body
    if body.startswith("/"):
        body = body[1:]
        if not body:
            return None
    try:
        regex = _translate(body, anchored)
    except _Invalid:
        return None
    return IgnorePattern(text.rstrip("\r\n"), line, negated, dir_only, anchored, regex)


def _renamed(regex: str, index: int) -> str:
    """Make a pattern's group names unique in the alternation (escaped literal text never
    contains ``(?P``: ``re.escape`` escapes ``(`` and ``?``)."""
    return regex.replace(f"(?P<{_GROUP}", f"(?P<{_GROUP}{index}_").replace(
        f"(?P={_GROUP}", f"(?P={_GROUP}{index}_"
    )


class _Matcher:
    """Every pattern of one source joined into one alternation, last pattern first."""

    __slots__ = ("_order", "_regex")

    def __init__(self, patterns: Sequence[IgnorePattern]) -> None:
        self._order = tuple(reversed(patterns))
        alternatives = [
            f"(?P<p{index}>{_renamed(p.regex, index)})" for index, p in enumerate(self._order)
        ]
        self._regex = re.compile("|".join(alternatives), re.DOTALL) if patterns else None

    @property
    def active(self) -> bool:
        return self._regex is not None

    def last_match(self, rel: str) -> IgnorePattern | None:
        if self._regex is None:
            return None
        match = self._regex.fullmatch(rel)
        if match is None:
            return None
        name = match.lastgroup  # the alternative's group closes after its inner groups
        assert name is not None and name.startswith("p")
        return self._order[int(name[1:])]


def _abs(path: Path | str) -> str:
    return os.path.abspath(os.fspath(path))


def _relative(path: Path | str, base: str) -> str | None:
    """``path`` relative to ``base``, ``/``-separated; None when it is not below ``base``.

    A relative ``path`` is taken as relative to ``base`` already.
    """
    text = os.fspath(path)
    if not os.path.isabs(text):
        rel = os.path.normpath(text)
        if rel in (".", os.pardir) or rel.startswith(os.pardir + os.sep):
            return None
    else:
        text = os.path.normpath(text)
        prefix = base if base.endswith(os.sep) else base + os.sep
        if not text.startswith(prefix) or text == prefix:
            return None
        rel = text[len(prefix) :]
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


class IgnoreRules:
    """The patterns of one ignore file (or of the config's ``exclude``), relative to ``base``."""

    __slots__ = ("_dirs", "_files", "base", "patterns")

    def __init__(self, base: Path, patterns: Sequence[IgnorePattern]) -> None:
        self.base = Path(_abs(base))
        self.patterns = tuple(patterns)
        self._dirs = _Matcher(self.patterns)
        self._files = _Matcher([p for p in self.patterns if not p.dir_only])

    @staticmethod
    def from_lines(lines: Iterable[str], base: Path) -> IgnoreRules:
        """Patterns relative to the directory ``base``."""
        patterns: list[IgnorePattern] = []
        for number, line in enumerate(lines, start=1):
            pattern = compile_pattern(line, number)
            if pattern is not None:
                patterns.append(pattern)
        return IgnoreRules(base, patterns)

    @staticmethod
    def from_file(path: Path) -> IgnoreRules:
        """Read an ignore file (relative to its directory). Raises ``OSError``."""
        text = read_bytes(path).decode("utf-8", errors="surrogateescape")
        return IgnoreRules.from_lines(text.split("\n"), Path(path).parent)

    def rebased(self, base: Path) -> IgnoreRules:
        """The same patterns relative to another directory (shares the compiled form)."""
        other = IgnoreRules.__new__(IgnoreRules)
        other.base = Path(_abs(base))
        other.patterns = self.patterns
        other._dirs = self._dirs
        other._files = self._files
        return other

    def __bool__(self) -> bool:
        return bool(self.patterns)

    @property
    def has_file_patterns(self) -> bool:
        """Whether some pattern can match a file (is not directory-only)."""
        return self._files.active

    def __repr__(self) -> str:
        return f"IgnoreRules({str(self.base)!r}, {len(self.patterns)} patterns)"

    def last_match_relative(self, rel: str, is_dir: bool) -> IgnorePattern | None:
        """The pattern that decides for ``rel`` (``/``-separated, relative to ``base``)."""
        return (self._dirs if is_dir else self._files).last_match(rel)

    def match_relative(self, rel: str, is_dir: bool) -> bool | None:
        pattern = self.last_match_relative(rel, is_dir)
        return None if pattern is None else not pattern.negated

    def match(self, path: Path, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a negation; None: no pattern matched.

        ``path`` is absolute, or relative to ``base``. A path that is not below ``base``
        (or is ``base`` itself) matches nothing. Only the path itself is tested: whether a
        parent directory is ignored is the caller's question (see ``IgnoreStack``).
        """
        rel = _relative(path, str(self.base))
        if rel is None:
            return None
        return self.match_relative(rel, is_dir)


class IgnoreStack:
    """The ignore rules in force in one directory, walking down a tree.

    Two kinds of layers, consulted in this order until one has a matching pattern:

    - *overrides* (in the order given): the config's ``exclude``, then default excludes.
      They decide whenever they match, whatever the ``.gitignore`` files say;
    - ``.gitignore`` files, the deepest first: as in git, a file in a subdirectory
      overrides the files above it.

    Within a layer the last matching pattern wins. The stack is immutable: ``child`` and
    ``push`` return new stacks; each layer keeps the current directory's path relative to
    its base, so matching an entry costs one string concatenation and one regex per layer.
    """

    __slots__ = ("_dir_layers", "_directory", "_file_layers", "_layers", "_overrides")

    def __init__(
        self,
        directory: str,
        layers: tuple[tuple[IgnoreRules, str], ...],
        overrides: int,
    ) -> None:
        self._directory = directory  # absolute
        self._layers = layers  # (rules, this directory relative to rules.base + "/" or "")
        self._overrides = overrides  # how many leading layers are overrides
        # the layers worth trying for a directory / for a file (many rules are dir-only)
        self._dir_layers = tuple(layer for layer in layers if layer[0].patterns)
        self._file_layers = tuple(layer for layer in layers if layer[0].has_file_patterns)

    @staticmethod
    def build(
        directory: Path,
        overrides: Sequence[IgnoreRules] = (),
        gitignores: Sequence[IgnoreRules] = (),
    ) -> IgnoreStack:
        """The stack in force in ``directory``.

        ``overrides``: highest precedence first. ``gitignores``: outermost first (each file
        overrides those before it). Rules whose base is not ``directory`` or one of its
        ancestors do not apply there and are left out.
        """
        here = _abs(directory)

        def layers(rules_list: Iterable[IgnoreRules]) -> list[tuple[IgnoreRules, str]]:
            out: list[tuple[IgnoreRules, str]] = []
            for rules in rules_list:
                base = str(rules.base)
                if here == base:
                    out.append((rules, ""))
                    continue
                rel = _relative(here, base)
                if rel is not None:
                    out.append((rules, rel + "/"))
            return out

        over = layers(overrides)
        git = layers(gitignores)
        git.reverse()
        return IgnoreStack(here, tuple(over + git), len(over))

    @property
    def directory(self) -> Path:
        """The directory whose entries ``match_name`` tests."""
        return Path(self._directory)

    def push(self, rules: IgnoreRules) -> IgnoreStack:
        """Add the ``.gitignore`` of this directory (``rules.base`` must be this directory)."""
        at = self._overrides
        layers = (*self._layers[:at], (rules, ""), *self._layers[at:])
        return IgnoreStack(self._directory, layers, self._overrides)

    def child(self, name: str) -> IgnoreStack:
        """The stack in force in the subdirectory ``name`` (before its own ``.gitignore``)."""
        layers = tuple((rules, f"{prefix}{name}/") for rules, prefix in self._layers)
        return IgnoreStack(os.path.join(self._directory, name), layers, self._overrides)

    def last_match(self, name: str, is_dir: bool) -> IgnorePattern | None:
        """The pattern that decides for the entry ``name`` of this directory, if any."""
        for rules, prefix in self._dir_layers if is_dir else self._file_layers:
            pattern = rules.last_match_relative(prefix + name, is_dir)
            if pattern is not None:
                return pattern
        return None

    def decisions(self, name: str, is_dir: bool) -> Iterator[tuple[IgnoreRules, IgnorePattern]]:
        """Each layer's deciding pattern for the entry ``name``, in precedence order: the
        first one decides; a caller that sets a layer aside takes the next."""
        for rules, prefix in self._dir_layers if is_dir else self._file_layers:
            pattern = rules.last_match_relative(prefix + name, is_dir)
            if pattern is not None:
                yield rules, pattern

    def match_name(self, name: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included; None: no pattern matched the entry ``name``."""
        pattern = self.last_match(name, is_dir)
        return None if pattern is None else not pattern.negated

    def is_ignored_name(self, name: str, is_dir: bool) -> bool:
        """Whether the entry ``name`` of this directory is ignored."""
        return self.match_name(name, is_dir) is True
