"""Architecture Decision Records: finding, reading and creating them.

An ADR is a Markdown file ``NNNN-some-title.md`` (four or more digits) in the ADR directory;
``ADR-NNNN`` refers to it. Three families of files are understood:

* MADR 3/4: front matter ``---`` / ``status: accepted`` / ``date: 2024-01-02`` / ``---``.
  The front matter is read as flat ``key: value`` lines (no YAML library): nested values,
  lists and block scalars are not interpreted.
* MADR 2 and log4brains: bullets ``* Status: accepted`` / ``- Date: 2024-01-02`` (a plain
  ``Status:`` / ``Date:`` line, optionally bold, is read the same way).
* Nygard and adr-tools: a ``## Status`` section whose text holds the status word, including
  adr-tools' spelling "Superceded by [5. Use X](0005-use-x.md)".

Status precedence: front matter ``status:``, then the ``## Status`` section, then a
``Status:`` bullet or line; the first of them that is present and not empty decides. Within
that text the status is the first status word, except that "superseded by" (or
"superceded by") anywhere in it wins: a record that was accepted and later superseded often
keeps both lines. The successor is the first ``ADR-N`` mention, ``[N. Title](...)`` link or
``NNNN-....md`` file name after the status word.

Title: the first level-1 heading, with a leading numbering removed ("1. Record
architecture decisions" and "ADR-0001: Record architecture decisions" both become "Record
architecture decisions"), since the number is shown next to the title anyway.

Reading never raises: unreadable or undecodable files, duplicate numbers, missing titles
and statuses become :class:`AdrProblem` entries.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from archrules.core.files import read_bytes, write_atomic
from archrules.core.reading.text import split_lines
from archrules.core.types import format_adr_id

AdrStatus = Literal["proposed", "accepted", "rejected", "deprecated", "superseded", "unknown"]

ADR_DIRECTORY_CANDIDATES = ("docs/adr", "doc/adr", "docs/decisions", "docs/architecture/decisions")

ADR_FILE_NAME = re.compile(r"^(\d{4,})-(.+)\.md$", re.IGNORECASE)

_STATUS_WORDS: Mapping[str, AdrStatus] = {
    "proposed": "proposed",
    "accepted": "accepted",
    "rejected": "rejected",
    "deprecated": "deprecated",
    "superseded": "superseded",
    "superceded": "superseded",  # adr-tools' spelling
}


@dataclass(frozen=True)
class Adr:
    number: int
    path: Path  # absolute
    title: str  # first level-1 heading, leading "N. " / "ADR-N:" numbering removed
    status: AdrStatus
    superseded_by: int | None
    decision: str  # first paragraph of "## Decision" / "## Decision Outcome", "" if none
    date: str | None  # front matter ``date:`` or a ``Date:`` line


@dataclass(frozen=True)
class AdrProblem:
    path: Path
    line: int  # 0-based
    message: str


@dataclass(frozen=True)
class AdrSet:
    directory: Path | None
    adrs: Mapping[int, Adr] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[AdrProblem, ...] = ()

    def get(self, number: int) -> Adr | None:
        return self.adrs.get(number)


# --- Finding the directory ---------------------------------------------------------------


def find_adr_directory(root_dir: Path, configured: Path | None) -> Path | None:
    """The ADR directory of a project rooted at ``root_dir``, absolute.

    A configured directory (relative paths are relative to ``root_dir``) is returned whether
    or not it exists, so that ``adr new`` can create it and ``load_adrs`` can report it
    missing. Otherwise the first existing directory of :data:`ADR_DIRECTORY_CANDIDATES`,
    or ``None``.
    """
    root = root_dir.absolute()
    if configured is not None:
        return root / configured  # an absolute ``configured`` replaces ``root``
    for candidate in ADR_DIRECTORY_CANDIDATES:
        path = root / candidate
        if os.path.isdir(path):
            return path
    return None


def new_adr_directory(root_dir: Path, configured: Path | None, found: Path | None = None) -> Path:
    """Where new ADRs go: the project's ADR directory (``found``, if loading its ADRs
    found one, else :func:`find_adr_directory`), or ``docs/adr`` under ``root_dir`` when
    there is none yet (``archrules adr new`` and the editor's *Record a new ADR* create it).
    """
    if found is not None:
        return found
    existing = find_adr_directory(root_dir, configured)
    return existing if existing is not None else root_dir.absolute() / ADR_DIRECTORY_CANDIDATES[0]


# --- Reading one file ----------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z][\w-]*)[ \t]*:(?:[ \t]+(.*))?$")
_FIELD_LINE = re.compile(
    r"^[ \t]{0,3}(?:[-*+][ \t]+)?(?:\*\*|__)?(status|date)(?:\*\*|__)?[ \t]*:"
    r"(?:\*\*|__)?[ \t]*(.*?)[ \t]*$",
    re.IGNORECASE,
)
_TITLE_NUMBERING = re.compile(r"^(?:\d+\.|ADR[-_ ]?\d+[ \t]*[:.\-\u2013\u2014])[ \t]+", re.I)
_LINK_TEXT = re.compile(r"\[[^\]]*\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z]+")
_SUPERSEDED_BY = re.compile(r"\bsuper[sc]eded[ \t]+by\b", re.IGNORECASE)
_SUPERSEDED = re.compile(r"super[sc]eded", re.IGNORECASE)  # as _WORD finds it: "0superseded"
_SUCCESSOR = re.compile(
    r"\bADR[-_ ]?(\d+)\b"  # ADR-0005, ADR 5
    r"|\[[ \t]*(\d+)\.[ \t]"  # adr-tools link text: [5. Use X](0005-use-x.md)
    r"|(?<![\w-])(\d{4,})-[^\s/()\[\]]*\.md\b",  # a file name: 0005-use-x.md
    re.IGNORECASE,
)


_STATUS_SECTION_LINES = 10  # the status is read from the first lines of its section
_STATUS_TEXT_MAX = 2000
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class _Line:
    number: int  # 0-based, in the whole text
    text: str
    heading_level: int  # 0: not a heading (or inside a code fence)
    heading_text: str


@dataclass(frozen=True)
class _Parsed:
    adr: Adr
    problems: tuple[AdrProblem, ...]


def parse_adr(path: Path, text: str) -> Adr | None:
    """The ADR in ``text``, read from ``path``; ``None`` if the name is not ``NNNN-*.md``."""
    parsed = _parse(path, text)
    return parsed.adr if parsed is not None else None


def _parse(path: Path, text: str) -> _Parsed | None:
    match = ADR_FILE_NAME.match(path.name)
    if match is None:
        return None
    number = int(match.group(1))
    path = path.absolute()
    problems: list[AdrProblem] = []

    raw_lines = split_lines(text.removeprefix("\ufeff"))
    front_matter, body_start = _front_matter(raw_lines)
    lines = _classify_lines(raw_lines, body_start)

    title_line = next((line for line in lines if line.heading_level == 1), None)
    if title_line is not None and title_line.heading_text:
        title = _strip_numbering(title_line.heading_text)
    else:
        title = match.group(2).replace("-", " ").replace("_", " ").strip()
        problems.append(AdrProblem(path, 0, "the ADR has no '# ' title heading"))

    status_text, status_line = _status_source(front_matter, lines)
    status: AdrStatus = "unknown"
    superseded_by: int | None = None
    if status_text is None:
        problems.append(AdrProblem(path, 0, "the ADR has no status"))
    else:
        status, superseded_by = _read_status(status_text)
        first = status_text.strip().splitlines()[0]
        first = first if len(first) <= 60 else first[:59] + "\u2026"
        if status == "unknown":
            problems.append(AdrProblem(path, status_line, f"unrecognised ADR status '{first}'"))
        elif status == "superseded" and superseded_by is None:
            problems.append(
                AdrProblem(path, status_line, "the ADR is superseded but names no successor")
            )

    date: str | None = front_matter.get("date", (0, ""))[1] or None
    if date is None:
        date = _field(lines, "date")[0]

    return _Parsed(
        Adr(
            number=number,
            path=path,
            title=title,
            status=status,
            superseded_by=superseded_by,
            decision=_decision(lines),
            date=date,
        ),
        tuple(problems),
    )


def _front_matter(lines: list[str]) -> tuple[dict[str, tuple[int, str]], int]:
    """``key -> (line, value)`` of a leading ``---`` block, and the first line after it."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, 0  # no closing line: a thematic break, not front matter
    values: dict[str, tuple[int, str]] = {}
    for index in range(1, end):
        match = _FRONT_MATTER_KEY.match(lines[index])
        if match is not None:
            values[match.group(1).lower()] = (index, _unquote(match.group(2) or ""))
    return values, end + 1


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _ESCAPE.sub(r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value.startswith("#"):
        return ""
    comment = value.find(" #")
    return (value[:comment] if comment >= 0 else value).strip()


def _classify_lines(raw_lines: list[str], start: int) -> list[_Line]:
    """The body lines, headings recognised outside fenced code blocks."""
    result: list[_Line] = []
    fence: str | None = None
    for number in range(start, len(raw_lines)):
        text = raw_lines[number]
        fence_match = _FENCE.match(text)
        if fence is not None:
            closing = fence_match.group(1) if fence_match is not None else ""
            if closing.startswith(fence) and not text.strip(" " + fence[0]):
                fence = None
            result.append(_Line(number, "", 0, ""))  # code is never read
            continue
        if fence_match is not None:
            fence = fence_match.group(1)
            result.append(_Line(number, "", 0, ""))
            continue
        heading = _HEADING.match(text)
        if heading is not None:
            heading_text = _CLOSING_HASHES.sub("", heading.group(2) or "").strip()
            result.append(_Line(number, text, len(heading.group(1)), heading_text))
        else:
            result.append(_Line(number, text, 0, ""))
    return result


def _strip_numbering(title: str) -> str:
    stripped = _TITLE_NUMBERING.sub("", title, count=1).strip()
    return stripped or title


def _section(lines: list[_Line], *names: str) -> list[_Line] | None:
    """The lines under the first heading named one of ``names`` (any level), or ``None``."""
    for index, line in enumerate(lines):
        if not line.heading_level:
            continue
        name = line.heading_text.strip("*_ \t").rstrip(":").strip("*_ \t").lower()
        if name not in names:
            continue
        body: list[_Line] = []
        for following in lines[index + 1 :]:
            if following.heading_level and following.heading_level <= line.heading_level:
                break
            body.append(following)
        return body
    return None


def _field(lines: list[_Line], name: str) -> tuple[str | None, int]:
    """The value of the first ``Name: value`` line (bullet or not), and its line."""
    for line in lines:
        if line.heading_level:
            continue
        match = _FIELD_LINE.match(line.text)
        if match is not None and match.group(1).lower() == name:
            value = _unquote(match.group(2))
            if value:
                return value, line.number
    return None, 0


def _status_source(
    front_matter: Mapping[str, tuple[int, str]], lines: list[_Line]
) -> tuple[str | None, int]:
    """The text that states the status, and its first line."""
    line, value = front_matter.get("status", (0, ""))
    if value:
        return value, line
    section = _section(lines, "status")
    if section is not None:
        texts = [(line.number, line.text.strip()) for line in section if line.text.strip()]
        texts = texts[:_STATUS_SECTION_LINES]
        if texts:
            return "\n".join(text for _, text in texts), texts[0][0]
    return _field(lines, "status")


def _read_status(text: str) -> tuple[AdrStatus, int | None]:
    """The status named in ``text``, and the successor of a superseded ADR."""
    text = text[:_STATUS_TEXT_MAX]  # a status is short: bounds the work on odd files
    by = _SUPERSEDED_BY.search(text)
    if by is not None:
        return "superseded", _successor(text[by.end() :])
    for word in _WORD.finditer(_LINK_TEXT.sub(" ", text)):
        status = _STATUS_WORDS.get(word.group(0).lower())
        if status is not None:
            if status != "superseded":
                return status, None
            bare = _SUPERSEDED.search(text)
            assert bare is not None  # the word was found in a subset of ``text``
            return "superseded", _successor(text[bare.end() :])
    return "unknown", None


def _successor(text: str) -> int | None:
    match = _SUCCESSOR.search(text)
    if match is None:
        return None
    return int(next(group for group in match.groups() if group is not None))


def _decision(lines: list[_Line]) -> str:
    section = _section(lines, "decision", "decision outcome")
    if section is None:
        return ""
    paragraph: list[str] = []
    in_comment = False
    for line in section:
        text = line.text.strip()
        if in_comment:
            in_comment = "-->" not in text
            continue
        if not paragraph and text.startswith("<!--"):
            in_comment = "-->" not in text[4:]
            continue
        if line.heading_level or not text:
            if paragraph:
                break
            continue
        paragraph.append(text)
    return " ".join(paragraph)


# --- Reading a directory -------------------------------------------------------------------


def load_adrs(directory: Path | None) -> AdrSet:
    """Every ``NNNN-*.md`` file of ``directory`` (not recursive). Never raises."""
    if directory is None:
        return AdrSet(None)
    directory = directory.absolute()
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        return AdrSet(
            directory, problems=(_problem(directory, "the ADR directory does not exist"),)
        )
    except NotADirectoryError:
        return AdrSet(
            directory, problems=(_problem(directory, "the ADR directory is not a directory"),)
        )
    except OSError as error:
        message = f"cannot read the ADR directory: {error.strerror or error}"
        return AdrSet(directory, problems=(_problem(directory, message),))

    adrs: dict[int, Adr] = {}
    problems: list[AdrProblem] = []
    for name in names:
        if ADR_FILE_NAME.match(name) is None:
            continue
        path = directory / name
        try:
            data = read_bytes(path)
        except OSError as error:
            problems.append(_problem(path, f"cannot read the ADR: {error.strerror or error}"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n")
            problems.append(AdrProblem(path, line, f"the ADR is not valid UTF-8: {error.reason}"))
            continue
        parsed = _parse(path, text)
        assert parsed is not None  # the name matched
        adr = parsed.adr
        problems.extend(parsed.problems)
        existing = adrs.get(adr.number)
        if existing is not None:
            message = (
                f"duplicate ADR number {format_adr_id(adr.number)}: {existing.path.name} has it too"
            )
            problems.append(_problem(path, message))
            continue
        adrs[adr.number] = adr

    for adr in adrs.values():
        if adr.superseded_by is not None and adr.superseded_by not in adrs:
            message = f"superseded by {format_adr_id(adr.superseded_by)}, which does not exist"
            problems.append(_problem(adr.path, message))

    return AdrSet(directory, MappingProxyType(dict(sorted(adrs.items()))), tuple(problems))


def _problem(path: Path, message: str) -> AdrProblem:
    return AdrProblem(path, 0, message)


def next_number(adrs: AdrSet) -> int:
    """One more than the highest number in use, counting files that could not be read."""
    numbers = set(adrs.adrs)
    for problem in adrs.problems:
        match = ADR_FILE_NAME.match(problem.path.name)
        if match is not None:
            numbers.add(int(match.group(1)))
    return max(numbers, default=0) + 1


# --- Creating a record ---------------------------------------------------------------------

_SLUG_MAX = 60
_EXCEPTION_SLUG_MAX = 80  # two module names: a little longer than a title's slug


def slugify(title: str, limit: int | None = _SLUG_MAX) -> str:
    """A file-name slug: lower case, accents removed, other characters as single hyphens.

    Letters of other scripts are kept; a title with no letter or digit gives ``"untitled"``.
    The slug is cut to about 60 characters at a hyphen.
    """
    chars: list[str] = []
    for ch in unicodedata.normalize("NFC", title):
        # "é" -> "e", "ﬁ" -> "fi"; letters with no ASCII base ("ß", "デ") are kept whole
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        for c in base if base.isascii() else ch:
            chars.append(c.lower() if c.isalnum() else "-")
    kept = "".join(chars)
    slug = "-".join(part for part in kept.split("-") if part)
    if limit is not None and len(slug) > limit:
        cut = slug.rfind("-", 0, limit + 1)
        slug = slug[: cut if cut > 0 else limit]
    return slug or "untitled"


def exception_slug(importer: str, imported: str) -> str:
    """The slug of an ADR that allows ``importer`` to import ``imported``: both modules
    named, in at most 80 characters. When the whole does not fit, the imported module
    first loses the leading packages it shares with the importer, then each side loses
    its leading packages, never its last name:
    ``allow-homeassistant-helpers-collection-to-import-entity-component`` for
    ``homeassistant.helpers.collection`` importing ``homeassistant.helpers.entity_component``.
    """
    ours, theirs = importer.split("."), imported.split(".")

    def slug() -> str:
        return slugify(f"allow {' '.join(ours)} to import {' '.join(theirs)}", limit=None)

    shared = 0
    while shared < min(len(ours), len(theirs)) - 1 and ours[shared] == theirs[shared]:
        shared += 1
    if len(slug()) > _EXCEPTION_SLUG_MAX:
        theirs = theirs[shared:]
    while len(slug()) > _EXCEPTION_SLUG_MAX and (len(ours) > 1 or len(theirs) > 1):
        if len(ours) >= len(theirs):
            ours = ours[1:]
        else:
            theirs = theirs[1:]
    text = slug()
    if len(text) <= _EXCEPTION_SLUG_MAX:
        return text
    # one name alone is too long: each keeps its share of the length, the other's unused
    # share added to it
    first, second = slugify(ours[0], limit=None), slugify(theirs[0], limit=None)
    budget = _EXCEPTION_SLUG_MAX - len("allow--to-import-")
    share = budget // 2
    first = first[: max(share, budget - len(second))]
    second = second[: budget - len(first)]
    return f"allow-{first.strip('-')}-to-import-{second.strip('-')}"


def render_new_adr(
    number: int, title: str, date: str, *, context: str = "", decision: str = ""
) -> str:
    """The text of a new MADR record with status ``proposed``.

    The number is not written in the text (it is in the file name). Placeholders are HTML
    comments, so an unfilled section reads as empty.
    """
    if number < 0:
        raise ValueError(f"an ADR number is never negative: {number}")
    one_line_title = " ".join(title.split())
    context_text = context.strip() or (
        "<!-- What forces us to decide? Describe the situation and the question. -->"
    )
    decision_text = decision.strip() or (
        '<!-- Chosen option: "...", because it is the only one that ... -->'
    )
    return (
        "---\n"
        "status: proposed\n"
        f"date: {date}\n"
        "---\n"
        "\n"
        f"# {one_line_title}\n"
        "\n"
        "## Context and Problem Statement\n"
        "\n"
        f"{context_text}\n"
        "\n"
        "## Considered Options\n"
        "\n"
        "<!-- Each option that was weighed, one per bullet. -->\n"
        "\n"
        "## Decision Outcome\n"
        "\n"
        f"{decision_text}\n"
        "\n"
        "### Consequences\n"
        "\n"
        "<!-- What becomes easier, what becomes harder, what must now be done. -->\n"
    )


@dataclass(frozen=True)
class NewAdr:
    """A record about to be created: its number, file and text."""

    number: int
    path: Path
    text: str


def plan_new_adr(
    adrs: AdrSet,
    directory: Path,
    title: str,
    date: str,
    *,
    context: str = "",
    decision: str = "",
    slug: str | None = None,
) -> NewAdr:
    """The next record of ``adrs`` in ``directory``: ``NNNN-slug.md`` (by default the
    title's slug) from the MADR template, status ``proposed``."""
    number = next_number(adrs)
    path = directory / f"{number:04d}-{slug or slugify(title)}.md"
    text = render_new_adr(number, title, date, context=context, decision=decision)
    return NewAdr(number, path, text)


def create_adr(directory: Path, title: str, date: str) -> Path:
    """Write ``NNNN-slug.md`` with the next number and return its path.

    The directory is created if needed. The file is opened in exclusive mode: an existing
    file is never overwritten (:class:`FileExistsError`), even if a concurrent creator
    wrote it between the directory listing and the write.
    """
    if not title.strip():
        raise ValueError("an ADR needs a title")
    directory = directory.absolute()
    directory.mkdir(parents=True, exist_ok=True)
    planned = plan_new_adr(load_adrs(directory), directory, title, date)
    write_atomic(planned.path, planned.text, overwrite=False)
    return planned.path


def describe_status(adr: Adr) -> str:
    """``"accepted"``, ``"superseded by ADR-0007"``, ``"superseded"`` (no known successor)."""
    if adr.status == "superseded" and adr.superseded_by is not None:
        return f"superseded by {format_adr_id(adr.superseded_by)}"
    return adr.status
