"""Tests for archrules.core.adr: reading ADRs in the common formats, and creating them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archrules.core.adr as adr_module
from archrules.core.adr import (
    ADR_DIRECTORY_CANDIDATES,
    Adr,
    AdrProblem,
    AdrSet,
    create_adr,
    describe_status,
    exception_slug,
    find_adr_directory,
    load_adrs,
    next_number,
    parse_adr,
    render_new_adr,
    slugify,
)
from archrules.core.types import parse_adr_id

# --- Realistic files, one per format -------------------------------------------------------

MADR_4 = """\
---
status: accepted
date: 2024-01-02
decision-makers: Ana, Bo
consulted: the platform team
informed: everyone
---

# Use PostgreSQL for the order store

## Context and Problem Statement

Orders are relational and need transactions. Which database do we use?

## Decision Drivers

* consistency
* team knowledge

## Considered Options

* PostgreSQL
* MongoDB

## Decision Outcome

Chosen option: "PostgreSQL", because it gives us transactions
and the team already runs it.

### Consequences

* Good, because we reuse our backups.
* Bad, because schema changes need migrations.
"""

MADR_3_SUPERSEDED = """\
---
status: "superseded by [ADR-0005](0005-use-postgresql.md)"
date: '2023-03-04'
---
# Use MongoDB for the order store

## Context and Problem Statement

We need somewhere to put orders.

## Decision Outcome

Chosen option: "MongoDB", because it is schemaless.
"""

MADR_2 = """\
# Use Markdown Architectural Decision Records

* Status: accepted
* Deciders: Ana, Bo
* Date: 2020-06-01

Technical Story: we want to record decisions.

## Context and Problem Statement

We want to record architectural decisions made in this project.

## Decision Outcome

Chosen option: "MADR 2.1.2", because

* it is lean,
* it is structured.
"""

MADR_2_SUPERSEDED = """\
# Keep decisions in the wiki

- Status: superseded by [ADR-0007](0007-keep-decisions-in-the-repository.md)
- Deciders: Ana
- Date: 2019-02-03

## Decision Outcome

Chosen option: "wiki".
"""

LOG4BRAINS = """\
# Use Log4brains to manage the ADRs

- Status: accepted
- Date: 2020-12-12
- Tags: dev-tools, doc

## Context and Problem Statement

We want to record decisions and publish them.

## Decision Outcome

Chosen option: "Log4brains", because it is the only tool that publishes a static site.
"""

ADR_TOOLS_FIRST = """\
# 1. Record architecture decisions

Date: 2018-05-06

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard.

## Consequences

See Michael Nygard's article.
"""

ADR_TOOLS_SUPERCEDED = """\
# 2. Use a message queue

Date: 2018-05-07

## Status

Superceded by [4. Use an event log](0004-use-an-event-log.md)

## Context

Services call each other synchronously.

## Decision

We will publish events
on RabbitMQ.

## Consequences

Operations learns RabbitMQ.
"""

ADR_TOOLS_SUPERSEDES = """\
# 4. Use an event log

Date: 2018-06-01

## Status

Accepted

Supersedes [2. Use a message queue](0002-use-a-message-queue.md)

## Context

Events must be replayable.

## Decision

We will use Kafka.
"""

NYGARD_PLAIN = """\
# ADR 9: Split the monolith

## Status

Deprecated. Nobody maintains the split any more.

## Decision

Split it.
"""


def parse(name: str, text: str) -> Adr:
    adr = parse_adr(Path("/repo/docs/adr") / name, text)
    assert adr is not None
    return adr


def write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


# --- MADR with front matter ----------------------------------------------------------------


def test_madr_4_front_matter() -> None:
    adr = parse("0005-use-postgresql.md", MADR_4)
    assert adr == Adr(
        number=5,
        path=Path("/repo/docs/adr/0005-use-postgresql.md"),
        title="Use PostgreSQL for the order store",
        status="accepted",
        superseded_by=None,
        decision=(
            'Chosen option: "PostgreSQL", because it gives us transactions '
            "and the team already runs it."
        ),
        date="2024-01-02",
    )
    assert describe_status(adr) == "accepted"


def test_madr_3_superseded_by_link_with_quoted_values() -> None:
    adr = parse("0003-use-mongodb.md", MADR_3_SUPERSEDED)
    assert adr.status == "superseded"
    assert adr.superseded_by == 5
    assert adr.date == "2023-03-04"
    assert adr.title == "Use MongoDB for the order store"
    assert adr.decision == 'Chosen option: "MongoDB", because it is schemaless.'
    assert describe_status(adr) == "superseded by ADR-0005"


@pytest.mark.parametrize(
    ("value", "status", "successor"),
    [
        ("accepted", "accepted", None),
        ("Accepted", "accepted", None),
        ("PROPOSED", "proposed", None),
        ("rejected", "rejected", None),
        ("deprecated", "deprecated", None),
        ("superseded by ADR-0005", "superseded", 5),
        ("superseded by ADR-12", "superseded", 12),
        ("Superseded by ADR 7", "superseded", 7),
        ("superseded by [ADR-0005](0005-x.md)", "superseded", 5),
        ("superseded by [the new one](0042-the-new-one.md)", "superseded", 42),
        ("superseded by 0008-use-z.md", "superseded", 8),
        ("superceded by ADR-0003", "superseded", 3),
        ('"accepted"', "accepted", None),
        ("'superseded by ADR-0002'", "superseded", 2),
        ("accepted # reviewed on Monday", "accepted", None),
        ("in review", "unknown", None),
    ],
)
def test_front_matter_status_values(value: str, status: str, successor: int | None) -> None:
    adr = parse("0001-x.md", f"---\nstatus: {value}\n---\n\n# X\n")
    assert adr.status == status
    assert adr.superseded_by == successor


def test_front_matter_ignores_nested_and_unkeyed_lines() -> None:
    text = (
        "---\n"
        "# a YAML comment\n"
        "tags:\n"
        "  - db\n"
        "  status: rejected\n"  # indented: belongs to something else
        "Status: Accepted\n"  # keys are case-insensitive
        "date:\n"  # empty: falls back to a Date line
        "---\n"
        "# X\n"
        "Date: 2021-01-01\n"
    )
    adr = parse("0001-x.md", text)
    assert adr.status == "accepted"
    assert adr.date == "2021-01-01"


def test_front_matter_escaped_quotes() -> None:
    text = '---\nstatus: \'accepted\'\ndate: "2024-\\"01\\""\n---\n# X\n'
    assert parse("0001-x.md", text).date == '2024-"01"'
    text = "---\nstatus: accepted\ndate: 'it''s today'\n---\n# X\n"
    assert parse("0001-x.md", text).date == "it's today"


def test_front_matter_comment_only_value_is_empty() -> None:
    text = "---\nstatus: # to do\n---\n# X\n\n## Status\n\nRejected\n"
    assert parse("0001-x.md", text).status == "rejected"


def test_front_matter_backslash_escapes() -> None:
    text = '---\nstatus: accepted\ndate: "a\\\\b \\"c\\""\n---\n# X\n'
    assert parse("0001-x.md", text).date == 'a\\b "c"'


def test_unclosed_front_matter_is_not_front_matter() -> None:
    # were it front matter, "rejected" would win over the section
    adr = parse("0001-x.md", "---\nstatus: rejected\n\n# X\n\n## Status\n\nAccepted\n")
    assert adr.title == "X"
    assert adr.status == "accepted"


def test_front_matter_status_beats_section_and_bullet() -> None:
    text = "---\nstatus: rejected\n---\n# X\n\n* Status: accepted\n\n## Status\n\nProposed\n"
    assert parse("0001-x.md", text).status == "rejected"


def test_empty_front_matter_status_falls_back_to_the_section() -> None:
    text = "---\nstatus: ''\n---\n# X\n\n## Status\n\nProposed\n"
    assert parse("0001-x.md", text).status == "proposed"


def test_front_matter_date_beats_a_date_line() -> None:
    text = "---\ndate: 2024-02-02\n---\n# X\n\nDate: 1999-01-01\n"
    assert parse("0001-x.md", text).date == "2024-02-02"


# --- MADR 2 and log4brains bullets ---------------------------------------------------------


def test_madr_2_bullets() -> None:
    adr = parse("0000-use-markdown-architectural-decision-records.md", MADR_2)
    assert adr.number == 0
    assert adr.title == "Use Markdown Architectural Decision Records"
    assert adr.status == "accepted"
    assert adr.date == "2020-06-01"
    assert adr.decision == 'Chosen option: "MADR 2.1.2", because'


def test_madr_2_superseded_bullet() -> None:
    adr = parse("0003-keep-decisions-in-the-wiki.md", MADR_2_SUPERSEDED)
    assert adr.status == "superseded"
    assert adr.superseded_by == 7
    assert adr.date == "2019-02-03"
    assert describe_status(adr) == "superseded by ADR-0007"


def test_log4brains_bullets() -> None:
    adr = parse("0002-use-log4brains-to-manage-the-adrs.md", LOG4BRAINS)
    assert adr.title == "Use Log4brains to manage the ADRs"
    assert adr.status == "accepted"
    assert adr.date == "2020-12-12"
    assert adr.decision.startswith('Chosen option: "Log4brains"')


@pytest.mark.parametrize(
    "line",
    [
        "* Status: proposed",
        "- Status: proposed",
        "+ status: Proposed",
        "- **Status**: proposed",
        "* **Status:** proposed",
        "Status: proposed",
    ],
)
def test_status_bullet_variants(line: str) -> None:
    assert parse("0001-x.md", f"# X\n\n{line}\n").status == "proposed"


def test_section_beats_bullet() -> None:
    text = "# X\n\n- Status: accepted\n\n## Status\n\nRejected\n"
    assert parse("0001-x.md", text).status == "rejected"


def test_empty_bullet_is_skipped() -> None:
    text = "# X\n\n- Status:\n- Status: deprecated\n"
    assert parse("0001-x.md", text).status == "deprecated"


# --- Nygard and adr-tools ------------------------------------------------------------------


def test_adr_tools_first_record() -> None:
    adr = parse("0001-record-architecture-decisions.md", ADR_TOOLS_FIRST)
    assert adr.title == "Record architecture decisions"  # "1. " numbering removed
    assert adr.status == "accepted"
    assert adr.superseded_by is None
    assert adr.date == "2018-05-06"
    assert adr.decision == (
        "We will use Architecture Decision Records, as described by Michael Nygard."
    )


def test_adr_tools_superceded_spelling() -> None:
    adr = parse("0002-use-a-message-queue.md", ADR_TOOLS_SUPERCEDED)
    assert adr.status == "superseded"
    assert adr.superseded_by == 4
    assert adr.decision == "We will publish events on RabbitMQ."
    assert describe_status(adr) == "superseded by ADR-0004"


def test_adr_tools_supersedes_is_not_superseded() -> None:
    adr = parse("0004-use-an-event-log.md", ADR_TOOLS_SUPERSEDES)
    assert adr.status == "accepted"
    assert adr.superseded_by is None


def test_nygard_plain_status_and_adr_title_prefix() -> None:
    adr = parse("0009-split-the-monolith.md", NYGARD_PLAIN)
    assert adr.title == "Split the monolith"
    assert adr.status == "deprecated"
    assert adr.date is None


@pytest.mark.parametrize(
    ("section", "status", "successor"),
    [
        ("Accepted", "accepted", None),
        ("accepted on 2020-01-01", "accepted", None),
        ("Status: Proposed", "proposed", None),
        ("**Rejected**", "rejected", None),
        ("Superseded", "superseded", None),
        ("Superseded\n\nSee [ADR-0011](0011-x.md).", "superseded", 11),
        # accepted, later superseded: the supersession wins over the first word
        ("Accepted\n\nSuperseded by [ADR-0006](0006-y.md)", "superseded", 6),
        ("Accepted\n\nSuperseded by:\n\n- 0006-use-y.md", "superseded", 6),
        ("Superseded by ADR-0003, which was accepted", "superseded", 3),
        # the words of a link text are not the status
        ("Supersedes [2. Deprecated approach](0002-x.md)\n\nAccepted", "accepted", None),
        ("To be decided", "unknown", None),
    ],
)
def test_status_section_variants(section: str, status: str, successor: int | None) -> None:
    adr = parse("0001-x.md", f"# X\n\n## Status\n\n{section}\n\n## Context\n\nRejected ideas.\n")
    assert adr.status == status
    assert adr.superseded_by == successor


def test_status_is_read_from_the_first_lines_of_the_section() -> None:
    late = "# X\n\n## Status\n\n" + "Under discussion.\n" * 10 + "Accepted\n"
    assert parse("0001-x.md", late).status == "unknown"
    early = "# X\n\n## Status\n\n" + "Under discussion.\n" * 9 + "Accepted\n"
    assert parse("0001-x.md", early).status == "accepted"


def test_pathological_lines_are_cheap() -> None:
    text = "# " + "#" * 50_000 + "\n## Status\n\nSuperseded by " + "0000-" * 20_000
    text += "\n" + "[" * 50_000 + "\n" + "Date:" + " " * 50_000 + "x\n"
    adr = parse("0001-x.md", text)
    assert adr.status == "superseded"
    assert adr.date == "x"


def test_long_unrecognised_status_is_shortened_in_the_message(tmp_path: Path) -> None:
    write(tmp_path, "0001-x.md", "# X\n\nStatus: " + "waiting " * 20 + "\n")
    (problem,) = load_adrs(tmp_path).problems
    assert problem.line == 2
    assert problem.message == "unrecognised ADR status '" + ("waiting " * 20)[:59] + "\u2026'"


def test_status_section_any_level_and_trailing_colon() -> None:
    assert parse("0001-x.md", "# X\n\n### Status:\n\nRejected\n").status == "rejected"


def test_status_section_ends_at_the_next_heading() -> None:
    text = "# X\n\n## Status\n\n## Context\n\nAccepted\n\n* Status: proposed\n"
    # an empty section is not a source: the bullet decides
    assert parse("0001-x.md", text).status == "proposed"


def test_subheading_inside_status_section() -> None:
    text = "# X\n\n## Status\n\n### History\n\nAccepted\n\n## Context\n\nRejected\n"
    assert parse("0001-x.md", text).status == "accepted"


# --- Titles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("# 1. Record architecture decisions", "Record architecture decisions"),
        ("# 12. Use `attrs`", "Use `attrs`"),
        ("# ADR-0012: Use Kafka", "Use Kafka"),
        ("# ADR 12 - Use Kafka", "Use Kafka"),
        ("# adr-12. Use Kafka", "Use Kafka"),
        ("# Use Kafka #", "Use Kafka"),
        ("#   Use Kafka   ", "Use Kafka"),
        ("# 2024. A year to remember", "A year to remember"),
        ("# 1.", "1."),  # nothing left after the numbering: kept as written
        ("# Version 1. Done", "Version 1. Done"),
    ],
)
def test_title_numbering(heading: str, title: str) -> None:
    assert parse("0001-x.md", f"{heading}\n\n## Status\n\nAccepted\n").title == title


def test_title_is_the_first_level_one_heading() -> None:
    text = "Intro line\n\n## Not a title\n\n```\n# not a heading in code\n```\n\n# Real title\n"
    assert parse("0001-x.md", text).title == "Real title"


def test_missing_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, "0003-use_the-force.md", "## Status\n\nAccepted\n")
    result = load_adrs(tmp_path)
    adr = result.get(3)
    assert adr is not None
    assert adr.title == "use the force"
    assert result.problems == (
        AdrProblem(tmp_path / "0003-use_the-force.md", 0, "the ADR has no '# ' title heading"),
    )


def test_empty_title_heading_falls_back_to_the_file_name() -> None:
    assert parse("0003-x-y.md", "#\n\nStatus: accepted\n").title == "x y"


def test_headings_in_fenced_code_are_ignored() -> None:
    text = (
        "# X\n\n"
        "~~~markdown\n## Status\n\nRejected\n~~~\n\n"
        "````\n```\n## Decision\n```\nstill code\n````\n\n"
        "## Status\n\nAccepted\n\n## Decision\n\nReal decision.\n"
    )
    adr = parse("0001-x.md", text)
    assert adr.status == "accepted"
    assert adr.decision == "Real decision."


def test_unclosed_fence_hides_the_rest() -> None:
    adr = parse("0001-x.md", "# X\n\n```\n## Status\n\nAccepted\n")
    assert adr.status == "unknown"


# --- Decision paragraph --------------------------------------------------------------------


def test_decision_keeps_markdown_and_skips_comments_and_subheadings() -> None:
    text = (
        "# X\n\n## Decision Outcome\n\n"
        "<!-- fill this in\nlater -->\n\n"
        "### Chosen\n\n"
        "Use **[Kafka](https://kafka.apache.org)**,\n  because `events`.\n\n"
        "Second paragraph.\n"
    )
    assert parse("0001-x.md", text).decision == (
        "Use **[Kafka](https://kafka.apache.org)**, because `events`."
    )


def test_decision_one_line_comment_then_text() -> None:
    text = "# X\n\n## Decision\n<!-- hint -->\nWe will do it.\n"
    assert parse("0001-x.md", text).decision == "We will do it."


def test_decision_stops_at_a_heading() -> None:
    text = "# X\n\n## Decision\nWe will do it.\n### Consequences\nMore.\n"
    assert parse("0001-x.md", text).decision == "We will do it."


def test_decision_empty_or_missing() -> None:
    assert parse("0001-x.md", "# X\n\n## Decision\n\n## Consequences\n\nA\n").decision == ""
    assert parse("0001-x.md", "# X\n\n## Decision Drivers\n\n* a\n").decision == ""


# --- Encodings and line endings ------------------------------------------------------------


def test_crlf_and_bom() -> None:
    text = "\ufeff" + ADR_TOOLS_SUPERCEDED.replace("\n", "\r\n")
    adr = parse("0002-use-a-message-queue.md", text)
    assert adr.title == "Use a message queue"
    assert adr.status == "superseded"
    assert adr.superseded_by == 4
    assert adr.decision == "We will publish events on RabbitMQ."
    assert adr.date == "2018-05-07"


def test_crlf_front_matter_with_bom_from_disk(tmp_path: Path) -> None:
    write(tmp_path, "0005-use-postgresql.md", "\ufeff" + MADR_4.replace("\n", "\r\n"))
    write(tmp_path, "0006-old-mac.md", MADR_2.replace("\n", "\r"))
    result = load_adrs(tmp_path)
    assert result.problems == ()
    adr = result.get(5)
    assert adr is not None
    assert adr.status == "accepted"
    assert adr.date == "2024-01-02"
    assert adr.title == "Use PostgreSQL for the order store"
    old = result.get(6)
    assert old is not None
    assert old.date == "2020-06-01"


# --- Problems reported by one file ---------------------------------------------------------


def test_problem_lines_are_zero_based(tmp_path: Path) -> None:
    write(tmp_path, "0001-a.md", "# A\n\n## Status\n\nTo be decided\n")
    write(tmp_path, "0002-b.md", "# B\n")
    write(tmp_path, "0003-c.md", "---\nstatus: superseded\n---\n# C\n")
    result = load_adrs(tmp_path)
    assert result.problems == (
        AdrProblem(tmp_path / "0001-a.md", 4, "unrecognised ADR status 'To be decided'"),
        AdrProblem(tmp_path / "0002-b.md", 0, "the ADR has no status"),
        AdrProblem(tmp_path / "0003-c.md", 1, "the ADR is superseded but names no successor"),
    )
    assert [adr.status for adr in result.adrs.values()] == ["unknown", "unknown", "superseded"]


def test_parse_adr_rejects_other_file_names() -> None:
    for name in ("README.md", "001-three-digits.md", "0001.md", "0001-x.txt", "adr-0001-x.md"):
        assert parse_adr(Path(name), "# X\n") is None
    assert parse_adr(Path("00042-five-digits.MD"), "# X\n") is not None


def test_parse_adr_makes_the_path_absolute() -> None:
    adr = parse_adr(Path("0001-x.md"), "# X\n")
    assert adr is not None
    assert adr.path.is_absolute()
    assert adr.path.name == "0001-x.md"


_PIECES = [
    *"#-*_[]()`~:.\n\r \t\ufeff<>!aAdDsSuU0123456789",
    *("---", "## Status", "status: ", "superseded by ", "Superceded", "ADR-", "## Decision"),
    *("```", "<!--", "-->", "Date:", "# 1. ", "0004-x.md", "[5. X](0005-x.md)"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_parse_never_raises(text: str) -> None:
    adr = parse_adr(Path("0001-x.md"), text)
    assert adr is not None
    assert adr.status in ("proposed", "accepted", "rejected", "deprecated", "superseded", "unknown")
    assert "\n" not in adr.title
    assert "\n" not in adr.decision


# --- Directories ---------------------------------------------------------------------------


def test_find_adr_directory_candidates(tmp_path: Path) -> None:
    assert find_adr_directory(tmp_path, None) is None
    (tmp_path / "docs" / "architecture" / "decisions").mkdir(parents=True)
    assert find_adr_directory(tmp_path, None) == tmp_path / "docs/architecture/decisions"
    (tmp_path / "doc" / "adr").mkdir(parents=True)
    assert find_adr_directory(tmp_path, None) == tmp_path / "doc/adr"
    (tmp_path / "docs" / "adr").write_text("a file, not a directory")
    assert find_adr_directory(tmp_path, None) == tmp_path / "doc/adr"
    assert ADR_DIRECTORY_CANDIDATES[0] == "docs/adr"


def test_find_adr_directory_configured(tmp_path: Path) -> None:
    (tmp_path / "docs" / "adr").mkdir(parents=True)
    # configured wins, exists or not, relative to the root
    assert find_adr_directory(tmp_path, Path("records")) == tmp_path / "records"
    assert find_adr_directory(tmp_path, tmp_path / "elsewhere") == tmp_path / "elsewhere"


def test_find_adr_directory_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs" / "decisions").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    found = find_adr_directory(Path(), None)
    assert found == tmp_path / "docs/decisions"
    assert found.is_absolute()


def test_load_adrs_none() -> None:
    result = load_adrs(None)
    assert result == AdrSet(None)
    assert result.get(1) is None
    assert next_number(result) == 1


def test_load_adrs_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "docs" / "adr"
    result = load_adrs(missing)
    assert result.directory == missing
    assert dict(result.adrs) == {}
    assert result.problems == (AdrProblem(missing, 0, "the ADR directory does not exist"),)


def test_load_adrs_directory_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "adr"
    path.write_text("")
    result = load_adrs(path)
    assert result.problems == (AdrProblem(path, 0, "the ADR directory is not a directory"),)


def test_load_adrs_unlistable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: object) -> list[str]:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "listdir", refuse)
    result = load_adrs(tmp_path)
    assert result.problems == (
        AdrProblem(tmp_path, 0, "cannot read the ADR directory: Permission denied"),
    )


def test_load_adrs_reads_every_format(tmp_path: Path) -> None:
    write(tmp_path, "0001-record-architecture-decisions.md", ADR_TOOLS_FIRST)
    write(tmp_path, "0002-use-a-message-queue.md", ADR_TOOLS_SUPERCEDED)
    write(tmp_path, "0003-use-mongodb.md", MADR_3_SUPERSEDED)
    write(tmp_path, "0004-use-an-event-log.md", ADR_TOOLS_SUPERSEDES)
    write(tmp_path, "0005-use-postgresql.md", MADR_4)
    write(tmp_path, "0006-use-log4brains.md", LOG4BRAINS)
    write(tmp_path, "0007-keep-decisions-in-the-repository.md", MADR_2)
    write(tmp_path, "0008-keep-decisions-in-the-wiki.md", MADR_2_SUPERSEDED)
    write(tmp_path, "README.md", "# ADRs\n")
    write(tmp_path, "template.md", "# Title\n")
    write(tmp_path / "archive", "0010-not-read.md", "# No\n")  # not recursive
    result = load_adrs(tmp_path)
    assert list(result.adrs) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert result.problems == ()
    statuses = {number: describe_status(adr) for number, adr in result.adrs.items()}
    assert statuses == {
        1: "accepted",
        2: "superseded by ADR-0004",
        3: "superseded by ADR-0005",
        4: "accepted",
        5: "accepted",
        6: "accepted",
        7: "accepted",
        8: "superseded by ADR-0007",
    }
    assert all(adr.path.is_absolute() for adr in result.adrs.values())
    assert next_number(result) == 9
    assert parse_adr_id("ADR-8") == 8


def test_load_adrs_relative_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "docs" / "adr", "0001-x.md", "# X\n\nStatus: accepted\n")
    monkeypatch.chdir(tmp_path)
    result = load_adrs(Path("docs/adr"))
    assert result.directory == tmp_path / "docs" / "adr"
    adr = result.get(1)
    assert adr is not None
    assert adr.path == tmp_path / "docs" / "adr" / "0001-x.md"


def test_duplicate_numbers(tmp_path: Path) -> None:
    write(tmp_path, "0003-use-a.md", "# A\n\nStatus: accepted\n")
    write(tmp_path, "0003-use-b.md", "# B\n\nStatus: rejected\n")
    write(tmp_path, "003-use-c.md", "# C\n")  # not an ADR file name: ignored
    result = load_adrs(tmp_path)
    adr = result.get(3)
    assert adr is not None
    assert adr.title == "A"  # the first by file name is kept
    assert result.problems == (
        AdrProblem(
            tmp_path / "0003-use-b.md", 0, "duplicate ADR number ADR-0003: 0003-use-a.md has it too"
        ),
    )
    assert next_number(result) == 4


def test_number_with_more_digits_is_the_same_number(tmp_path: Path) -> None:
    write(tmp_path, "0012-a.md", "# A\n\nStatus: accepted\n")
    write(tmp_path, "00012-b.md", "# B\n\nStatus: accepted\n")
    result = load_adrs(tmp_path)
    assert len(result.problems) == 1
    assert "duplicate ADR number ADR-0012" in result.problems[0].message


def test_missing_successor_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "0001-a.md", "# A\n\n## Status\n\nSuperseded by ADR-0009\n")
    result = load_adrs(tmp_path)
    assert result.problems == (
        AdrProblem(tmp_path / "0001-a.md", 0, "superseded by ADR-0009, which does not exist"),
    )
    adr = result.get(1)
    assert adr is not None
    assert describe_status(adr) == "superseded by ADR-0009"


def test_undecodable_file(tmp_path: Path) -> None:
    write(tmp_path, "0001-good.md", "# Good\n\nStatus: accepted\n")
    bad = tmp_path / "0002-latin1.md"
    bad.write_bytes("# Caf\u00e9\n\nStatus: accepted\n".encode("utf-16"))
    latin = tmp_path / "0003-latin1.md"
    latin.write_bytes(b"# Title\n\nStatus: accepted\n\nCaf\xe9\n")
    result = load_adrs(tmp_path)
    assert list(result.adrs) == [1]
    assert [(p.path, p.line) for p in result.problems] == [(bad, 0), (latin, 4)]
    assert all("not valid UTF-8" in p.message for p in result.problems)
    assert next_number(result) == 4  # unreadable files still hold their numbers


def test_unreadable_entries(tmp_path: Path) -> None:
    write(tmp_path, "0001-good.md", "# Good\n\nStatus: accepted\n")
    (tmp_path / "0002-a-directory.md").mkdir()
    (tmp_path / "0003-dangling.md").symlink_to(tmp_path / "nowhere.md")
    locked = write(tmp_path, "0004-locked.md", "# Locked\n\nStatus: accepted\n")
    locked.chmod(0)
    try:
        result = load_adrs(tmp_path)
    finally:
        locked.chmod(0o644)
    paths = [problem.path.name for problem in result.problems]
    assert paths[:2] == ["0002-a-directory.md", "0003-dangling.md"]
    assert all(p.message.startswith("cannot read the ADR: ") for p in result.problems)
    assert all(p.line == 0 for p in result.problems)
    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        assert paths == ["0002-a-directory.md", "0003-dangling.md", "0004-locked.md"]
        assert list(result.adrs) == [1]
    else:
        assert list(result.adrs) == [1, 4]
    assert next_number(result) == 5


def test_next_number_ignores_unrelated_problem_paths(tmp_path: Path) -> None:
    result = AdrSet(tmp_path, problems=(AdrProblem(tmp_path, 0, "the ADR directory is odd"),))
    assert next_number(result) == 1


# --- Creating ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Use PostgreSQL for the order store", "use-postgresql-for-the-order-store"),
        ("  Use   attrs, not dataclasses!  ", "use-attrs-not-dataclasses"),
        ("Café & crème brûlée", "cafe-creme-brulee"),
        ("Stra\u00dfe", "stra\u00dfe"),
        ("データベースを選ぶ", "データベースを選ぶ"),
        ("C++/Rust interop (v2.0)", "c-rust-interop-v2-0"),
        ("!!!", "untitled"),
        ("", "untitled"),
        ("snake_case_names", "snake-case-names"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_long_titles_are_cut_at_a_hyphen() -> None:
    slug = slugify("word " * 30)
    assert len(slug) <= 60
    assert slug.endswith("word")
    assert slugify("x" * 100) == "x" * 60


@pytest.mark.parametrize(
    ("importer", "imported", "slug"),
    [
        ("shop.domain.cart", "shop.web.forms", "allow-shop-domain-cart-to-import-shop-web-forms"),
        (
            "homeassistant.helpers.collection",
            "homeassistant.helpers.entity_component",
            "allow-homeassistant-helpers-collection-to-import-entity-component",
        ),
        (
            "verylongpackagename.subpackage.deeper.module_with_a_long_name",
            "otherpackage.somewhere.else_entirely.target_module",
            "allow-deeper-module-with-a-long-name-to-import-else-entirely-target-module",
        ),
        ("a", "b", "allow-a-to-import-b"),
        ("p." + "a" * 90, "q.b", "allow-" + "a" * 62 + "-to-import-b"),
    ],
)
def test_exception_slug_keeps_both_module_names(importer: str, imported: str, slug: str) -> None:
    assert exception_slug(importer, imported) == slug
    assert len(slug) <= 80


def test_the_title_slug_alone_loses_the_imported_module() -> None:
    title = (
        "Allow homeassistant.helpers.collection to import homeassistant.helpers.entity_component"
    )
    assert slugify(title) == "allow-homeassistant-helpers-collection-to-import"


def test_render_new_adr_reads_back() -> None:
    text = render_new_adr(7, "Use  Kafka\nfor events", "2024-05-06")
    assert text.startswith("---\nstatus: proposed\ndate: 2024-05-06\n---\n")
    for section in (
        "## Context and Problem Statement",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
    ):
        assert f"\n{section}\n" in text
    adr = parse("0007-use-kafka-for-events.md", text)
    assert adr.title == "Use Kafka for events"
    assert adr.status == "proposed"
    assert adr.date == "2024-05-06"
    assert adr.decision == ""  # the placeholder is a comment


def test_render_new_adr_with_context_and_decision() -> None:
    text = render_new_adr(
        3, "Allow a legacy import", "2024-05-06", context="  Legacy code.  ", decision="Allow it."
    )
    assert "\nLegacy code.\n" in text
    assert parse("0003-x.md", text).decision == "Allow it."
    with pytest.raises(ValueError, match="negative"):
        render_new_adr(-1, "X", "2024-05-06")


def test_create_adr_in_a_new_directory(tmp_path: Path) -> None:
    directory = tmp_path / "docs" / "adr"
    path = create_adr(directory, "Use Kafka for events", "2024-05-06")
    assert path == directory / "0001-use-kafka-for-events.md"
    assert path.read_bytes().startswith(b"---\nstatus: proposed\n")
    assert b"\r" not in path.read_bytes()
    adr = load_adrs(directory).get(1)
    assert adr is not None
    assert (adr.title, adr.status, adr.date) == ("Use Kafka for events", "proposed", "2024-05-06")


def test_create_adr_takes_the_next_number(tmp_path: Path) -> None:
    write(tmp_path, "0001-record-architecture-decisions.md", ADR_TOOLS_FIRST)
    write(tmp_path, "0041-x.md", "# X\n\nStatus: accepted\n")
    (tmp_path / "0042-broken.md").symlink_to(tmp_path / "missing")
    path = create_adr(tmp_path, "Next one", "2024-05-06")
    assert path.name == "0043-next-one.md"
    assert next_number(load_adrs(tmp_path)) == 44


def test_create_adr_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    # a concurrent creator wrote the same file between the listing and the write
    existing = write(tmp_path, "0001-same-title.md", "# Theirs\n")
    monkeypatch.setattr(adr_module, "next_number", lambda adrs: 1)
    with pytest.raises(FileExistsError):
        create_adr(tmp_path, "Same title", "2024-05-06")
    assert existing.read_text() == "# Theirs\n"


def test_create_adr_concurrent_same_title(tmp_path: Path) -> None:
    results: list[Path | Exception] = []
    barrier = threading.Barrier(4)

    def create() -> None:
        barrier.wait()
        try:
            results.append(create_adr(tmp_path, "Same", "2024-05-06"))
        except FileExistsError as error:
            results.append(error)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [r for r in results if isinstance(r, Path)]
    assert created  # at least one wins, and no file is clobbered
    for path in created:
        assert path.read_text(encoding="utf-8").count("# Same") == 1


def test_create_adr_needs_a_title(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="title"):
        create_adr(tmp_path, "   ", "2024-05-06")
    assert list(tmp_path.iterdir()) == []


# --- describe_status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "successor", "text"),
    [
        ("accepted", None, "accepted"),
        ("proposed", None, "proposed"),
        ("rejected", None, "rejected"),
        ("deprecated", None, "deprecated"),
        ("superseded", 7, "superseded by ADR-0007"),
        ("superseded", None, "superseded"),
        ("unknown", None, "unknown"),
    ],
)
def test_describe_status(status: str, successor: int | None, text: str) -> None:
    adr = Adr(1, Path("/a/0001-x.md"), "X", status, successor, "", None)  # type: ignore[arg-type]
    assert describe_status(adr) == text
