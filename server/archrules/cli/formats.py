"""Render the result of ``archrules check`` as text, JSON, SARIF or GitHub annotations.

Every renderer takes the same :class:`Report` and returns the whole output as one string
(ending in a newline unless it is empty). Nothing here reads or writes files: paths are
only made relative to ``Report.cwd`` and turned into URIs.

Positions come in as 0-based lines and columns in code points, end exclusive
(:class:`archrules.core.types.Range`); every format prints them 1-based, the end column
still exclusive (``end_col + 1``).
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archrules import __version__
from archrules.core.groups import FindingGroup, group_findings, group_index
from archrules.core.modules import SkipKind, Skipped
from archrules.core.types import FILE_START, SEVERITIES, Range, Violation, adr_label, format_adr_id

FORMATS = ("text", "json", "sarif", "github")
STATISTICS_FORMATS = ("text", "json")

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "archrules/v1"
STALE_HEADER = "Stale baseline entries (no longer match, run `archrules baseline` to drop them):"

STALE_GITHUB = "Stale baseline entry (no longer matches, run `archrules baseline` to drop it): "

_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
# Singular and plural of each severity in the text summary.
_SEVERITY_WORDS = {
    "error": ("error", "errors"),
    "warning": ("warning", "warnings"),
    "info": ("info", "info"),
    "hint": ("hint", "hints"),
}


@dataclass(frozen=True)
class RuleInfo:
    name: str
    kind: str
    severity: str  # default severity of the rule
    description: str
    adr: int | None
    adr_title: str | None
    adr_status: str | None  # e.g. "accepted", "superseded by ADR-0007"
    adr_decision: str  # first paragraph of the ADR's decision ("" if none)
    adr_path: Path | None  # absolute
    note: str = ""  # how the rule counts or judges, said once per report (e.g. size rules)


@dataclass(frozen=True)
class ErrorInfo:
    """A config or usage error: the run could not check (exit status 2)."""

    message: str
    path: Path | None = None  # absolute; None for an error of the command line
    range: Range | None = None


@dataclass(frozen=True)
class Report:
    cwd: Path  # paths are printed relative to it, '/'-separated (absolute if outside it)
    violations: Sequence[Violation]  # what to report (already filtered; above the baseline)
    files: int  # number of files checked
    baselined: int  # violations hidden by the baseline
    stale_baseline: Sequence[str]  # baseline entries that match nothing any more
    rules: Mapping[str, RuleInfo]  # by rule name (includes built-in rules)
    adr_titles: Mapping[int, str] = field(default_factory=dict)  # every known ADR, by number
    skipped: Sequence[Skipped] = ()  # files and directories not checked, and why
    verbose: bool = False  # text: name each skipped path
    errors: Sequence[ErrorInfo] = ()  # config or usage errors: nothing was checked
    diff_base: str | None = None  # check --diff REV: REV
    present_at_base: int = 0  # with diff_base: violations not reported, present at REV


def render(fmt: str, report: Report, *, color: bool = False, statistics: bool = False) -> str:
    """The whole output of ``archrules check --format FMT``; ``ValueError`` if unknown.

    A relative ``report.cwd`` is taken relative to the process's working directory.
    ``color``: ANSI colours in text output. ``statistics``: counts per rule instead of the
    findings (text and json only).
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown output format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    report = replace(report, cwd=Path(os.path.abspath(report.cwd)))
    if statistics:
        if fmt not in STATISTICS_FORMATS:
            raise ValueError(f"--statistics works with: {', '.join(STATISTICS_FORMATS)}")
        return (
            _render_statistics_json(report) if fmt == "json" else _render_statistics(report, color)
        )
    if fmt == "text":
        return _render_text(report, color)
    return renderer(report)


# --- Shared helpers ----------------------------------------------------------------------


def _sorted(report: Report) -> list[Violation]:
    return sorted(report.violations, key=Violation.sort_key)


def _relative(path: Path, cwd: Path) -> str | None:
    """``path`` relative to ``cwd``, '/'-separated, or ``None`` when it is outside."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return None


def display_path(path: Path, cwd: Path) -> str:
    """The path as printed: relative to ``cwd`` when inside it, else absolute."""
    relative = _relative(path, cwd)
    return path.as_posix() if relative is None else relative


def _adr_title(report: Report, violation: Violation) -> str | None:
    """The title of the ADR the violation cites: from the project's ADRs, else from a
    rule that cites the same ADR."""
    if violation.adr is None:
        return None
    if violation.adr in report.adr_titles:
        return report.adr_titles[violation.adr]
    own = report.rules.get(violation.rule)
    candidates = [own] if own is not None else []
    candidates.extend(report.rules.values())
    for info in candidates:
        if info.adr == violation.adr and info.adr_title:
            return info.adr_title
    return None


def _message_with_adr(report: Report, violation: Violation) -> str:
    if violation.adr is None:
        return violation.message
    return f"{violation.message} ({adr_label(violation.adr, _adr_title(report, violation))})"


def _shows_chain(violation: Violation) -> bool:
    """A chain is worth printing when it has a step between the two ends."""
    return len(violation.chain) > 2


def _chain_text(violation: Violation) -> str:
    return " -> ".join(violation.chain)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


# --- text ---------------------------------------------------------------------------------

_ANSI = {
    "bold": "1",
    "dim": "2",
    "error": "1;31",
    "warning": "1;33",
    "info": "1;34",
    "hint": "2",
    "path": "1",
    "chain": "36",
}
# how many modules of a group text output names before "and N more"
GROUP_NAMES_SHOWN = 3


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if self.enabled and text else text


def _shown(report: Report) -> list[Violation | FindingGroup]:
    """What text-like output lists: each finding, except that indirect findings sharing
    their boundary-crossing import are one entry, the group; sorted by place."""
    violations = _sorted(report)
    groups = [g for g in group_findings(violations) if len(g.findings) > 1]
    grouped = group_index(groups)
    items: list[Violation | FindingGroup] = [v for v in violations if v not in grouped]
    items.extend(groups)

    def place(item: Violation | FindingGroup) -> tuple[str, int, int, str]:
        if isinstance(item, FindingGroup):
            where = item.crossing
            return (str(where.path), where.range.line, where.range.col, where.rule)
        return item.sort_key()[:4]

    return sorted(items, key=place)


def _group_severity(group: FindingGroup) -> str:
    return min((v.severity for v in group.findings), key=SEVERITIES.index)


def _group_message(group: FindingGroup) -> str:
    crossing = group.crossing
    count = _plural(len(group.modules), "module", "modules")
    return f"{count} reach {crossing.imported} through this import in {crossing.importer}"


def _some(names: Sequence[str], shown: int = GROUP_NAMES_SHOWN) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _render_text(report: Report, color: bool = False) -> str:
    paint = _Paint(color)
    lines: list[str] = []
    for item in _shown(report):
        if isinstance(item, FindingGroup):
            first = item.shortest
            where, severity = item.crossing, _group_severity(item)
            message = _with_adr(report, first, _group_message(item))
            lines.append(
                _finding_line(paint, report, where.path, where.range, first.rule, severity, message)
            )
            lines.append(paint("dim", f"    e.g. {first.message}"))
            lines.append(paint("chain", f"    shortest chain: {_chain_text(first)}"))
            lines.append(paint("dim", f"    reached from: {_some(item.modules)}"))
            continue
        message = _message_with_adr(report, item)
        lines.append(
            _finding_line(paint, report, item.path, item.range, item.rule, item.severity, message)
        )
        if _shows_chain(item):
            lines.append(paint("chain", f"    chain: {_chain_text(item)}"))
    if lines:
        lines.append("")
    violations = _sorted(report)
    notes = _notes(report, violations)
    if notes:
        lines.extend(paint("dim", note) for note in notes)
        lines.append("")
    lines.extend(_summary(report, violations, paint))
    if report.skipped:
        lines.append(skipped_summary(report.skipped, report.cwd, report.verbose))
    if report.stale_baseline:
        lines.append("")
        lines.append(paint("warning", STALE_HEADER))
        lines.extend(f"    {entry}" for entry in report.stale_baseline)
    return "\n".join(lines) + "\n"


def _finding_line(
    paint: _Paint, report: Report, path: Path, where: Range, rule: str, severity: str, message: str
) -> str:
    place = paint("path", display_path(path, report.cwd))
    position = paint("dim", f":{where.line + 1}:{where.col + 1}:")
    return f"{place}{position} {paint(severity, rule)} {message}"


def _with_adr(report: Report, violation: Violation, message: str) -> str:
    if violation.adr is None:
        return message
    return f"{message} ({adr_label(violation.adr, _adr_title(report, violation))})"


def _notes(report: Report, violations: Sequence[Violation]) -> list[str]:
    """Each reported rule's note, once (not on every finding)."""
    notes: list[str] = []
    for name in sorted({v.rule for v in violations}):
        info = report.rules.get(name)
        if info is not None and info.note:
            notes.append(f"note: {name}: {info.note}")
    return notes


def _rule_counts(violations: Sequence[Violation]) -> list[tuple[str, int]]:
    """(rule, count), the most frequent first, then by name."""
    counts = Counter(v.rule for v in violations)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _summary(
    report: Report, violations: Sequence[Violation], paint: _Paint | None = None
) -> list[str]:
    paint = paint or _Paint(False)
    files = f"{_plural(report.files, 'file', 'files')} checked"
    if violations:
        counts = Counter(violation.severity for violation in violations)
        breakdown = ", ".join(
            paint(severity, _plural(counts[severity], *_SEVERITY_WORDS[severity]))
            for severity in SEVERITIES
            if counts[severity]
        )
        found = _plural(len(violations), "violation", "violations")
        text = f"Found {found} ({breakdown}) in {files}"
    else:
        text = f"No violations in {files}"
    if report.baselined > 0:
        text += f", {report.baselined} baselined"
    if report.diff_base is not None:
        text += f", {report.present_at_base} already present at {report.diff_base}"
    lines = [paint("bold", text + ".") if not violations else text + "."]
    if violations:
        by_rule = ", ".join(f"{rule} {count}" for rule, count in _rule_counts(violations))
        lines.extend(
            textwrap.wrap(
                f"By rule: {by_rule}.",
                width=100,
                subsequent_indent="  ",
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
    grouped = [g for g in group_findings(violations) if len(g.findings) > 1]
    if grouped:
        findings = sum(len(g.findings) for g in grouped)
        lines.append(
            f"{_plural(findings, 'indirect finding', 'indirect findings')} shown as "
            f"{_plural(len(grouped), 'group', 'groups')}, one per boundary-crossing import "
            "(--format json lists each)."
        )
    return lines


def _render_statistics(report: Report, color: bool = False) -> str:
    """Like ``ruff --statistics``: one line per rule, the most frequent first."""
    paint = _Paint(color)
    violations = _sorted(report)
    rows = _rule_counts(violations)
    table: list[tuple[str, str, str, str, str]] = []
    for rule, count in rows:
        info = report.rules.get(rule)
        first = next(v for v in violations if v.rule == rule)
        number = info.adr if info is not None else first.adr
        adr_id = "" if number is None else format_adr_id(number)
        table.append((str(count), rule, first.severity, first.kind, adr_id))
    widths = [max((len(row[i]) for row in table), default=0) for i in range(5)]
    lines: list[str] = []
    for count_text, rule, severity, kind, adr_text in table:
        cells = [
            count_text.rjust(widths[0]),
            paint(severity, rule.ljust(widths[1])),
            severity.ljust(widths[2]),
            kind.ljust(widths[3]),
            adr_text,
        ]
        lines.append("  ".join(cells).rstrip())
    if lines:
        lines.append("")
    lines.extend(_summary(report, violations, paint)[:1])
    return "\n".join(lines) + "\n"


def _render_statistics_json(report: Report) -> str:
    violations = _sorted(report)
    document = {
        "version": 1,
        "statistics": [
            {
                "rule": rule,
                "count": count,
                "severity": next(v.severity for v in violations if v.rule == rule),
                "kind": next(v.kind for v in violations if v.rule == rule),
            }
            for rule, count in _rule_counts(violations)
        ],
        "summary": _json_summary(report, violations),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# What each kind of skipped path is called in the text summary.
_SKIP_LABELS: dict[SkipKind, str] = {
    "excluded": "excluded by the config",
    "gitignored": "ignored by .gitignore",
    "name": "not an importable name",
    "default": "default excludes",
    "venv": "virtual environments",
    "unreadable": "unreadable",
}


def skipped_summary(skipped: Sequence[Skipped], cwd: Path, verbose: bool) -> str:
    """``skipped M: 2 excluded by the config, 1 unreadable`` (after the summary that says how
    many files were checked) and, when
    ``verbose``, one line per skipped path with its reason."""
    counts = Counter(entry.kind for entry in skipped)
    reasons = ", ".join(
        f"{counts[kind]} {label}" for kind, label in _SKIP_LABELS.items() if counts[kind]
    )
    text = f"skipped {len(skipped)}: {reasons}"
    if not verbose:
        return text + " (--verbose names them)"
    lines = [text]
    for entry in skipped:
        where = display_path(entry.path, cwd) + ("/" if entry.directory else "")
        lines.append(f"    {where}: {entry.reason}")
    return "\n".join(lines)


# --- json ---------------------------------------------------------------------------------


def _render_json(report: Report) -> str:
    violations = _sorted(report)
    groups = group_findings(violations)
    index = group_index(groups)
    document: dict[str, Any] = {
        "version": 1,
        "violations": [
            _json_violation(report, violation, index.get(violation)) for violation in violations
        ],
        "summary": _json_summary(report, violations),
        "stale_baseline": list(report.stale_baseline),
        "groups": [_json_group(report, group) for group in groups],
        "errors": [_json_error(report, error) for error in report.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _diff_summary(report: Report) -> dict[str, Any]:
    """With ``check --diff REV``: the revision and how many findings it had already."""
    if report.diff_base is None:
        return {}
    return {"diff": {"base": report.diff_base, "present_at_base": report.present_at_base}}


def _json_summary(report: Report, violations: Sequence[Violation]) -> dict[str, Any]:
    return {
        "files": report.files,
        "violations": len(violations),
        "baselined": report.baselined,
        **_diff_summary(report),
        "rules": dict(_rule_counts(violations)),
        "skipped": [
            {
                "path": display_path(entry.path, report.cwd),
                "kind": entry.kind,
                "reason": entry.reason,
                "directory": entry.directory,
            }
            for entry in report.skipped
        ],
    }


def _json_violation(
    report: Report, violation: Violation, group: FindingGroup | None
) -> dict[str, Any]:
    where = violation.range
    return {
        "rule": violation.rule,
        "kind": violation.kind,
        "severity": violation.severity,
        "path": display_path(violation.path, report.cwd),
        "line": where.line + 1,
        "column": where.col + 1,
        "end_line": where.end_line + 1,
        "end_column": where.end_col + 1,
        "message": violation.message,
        "importer": violation.importer,
        "imported": violation.imported,
        "chain": list(violation.chain),
        "adr": None if violation.adr is None else format_adr_id(violation.adr),
        "adr_title": _adr_title(report, violation),
        "group": None if group is None else group.id,
    }


def _json_group(report: Report, group: FindingGroup) -> dict[str, Any]:
    crossing = group.crossing
    return {
        "id": group.id,
        "rule": crossing.rule,
        "importer": crossing.importer,
        "imported": crossing.imported,
        "path": display_path(crossing.path, report.cwd),
        "line": crossing.range.line + 1,
        "column": crossing.range.col + 1,
        "modules": list(group.modules),
        "findings": len(group.findings),
        "shortest_chain": list(group.shortest.chain),
    }


def _json_error(report: Report, error: ErrorInfo) -> dict[str, Any]:
    found: dict[str, Any] = {"message": error.message, "path": None}
    if error.path is not None:
        where = error.range or FILE_START
        found.update(
            path=display_path(error.path, report.cwd),
            line=where.line + 1,
            column=where.col + 1,
            end_line=where.end_line + 1,
            end_column=where.end_col + 1,
        )
    return found


# --- sarif --------------------------------------------------------------------------------


def _render_sarif(report: Report) -> str:
    cwd = report.cwd
    violations = _sorted(report)
    rules = _sarif_rules(report, violations)
    index = {info.name: position for position, info in enumerate(rules)}
    groups = group_index(group_findings(violations))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "archrules",
                "version": __version__,
                "rules": [_sarif_rule(info) for info in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(cwd)}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _sarif_group_result(report, cwd, item, index[item.crossing.rule])
            if isinstance(item, FindingGroup)
            else _sarif_result(report, cwd, item, index[item.rule], groups.get(item))
            for item in _shown(report)
        ],
        "properties": {"files": report.files, "baselined": report.baselined}
        | _diff_summary(report),
    }
    if report.stale_baseline or report.errors:
        invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
        if report.stale_baseline:
            invocation["toolExecutionNotifications"] = [
                {"level": "warning", "message": {"text": f"Stale baseline entry: {entry}"}}
                for entry in report.stale_baseline
            ]
        if report.errors:
            invocation["toolConfigurationNotifications"] = [
                _sarif_error(error, cwd) for error in report.errors
            ]
        run["invocations"] = [invocation]
    log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_error(error: ErrorInfo, cwd: Path) -> dict[str, Any]:
    notification: dict[str, Any] = {"level": "error", "message": {"text": error.message}}
    if error.path is not None:
        where = error.range or FILE_START
        notification["locations"] = [
            {"physicalLocation": _physical_location(error.path, where, cwd)}
        ]
    return notification


def _sarif_rules(report: Report, violations: Sequence[Violation]) -> list[RuleInfo]:
    """Every known rule, plus any rule a violation names that the report does not describe."""
    rules = dict(report.rules)
    for violation in violations:
        if violation.rule not in rules:
            rules[violation.rule] = RuleInfo(
                name=violation.rule,
                kind=violation.kind,
                severity=violation.severity,
                description="",
                adr=violation.adr,
                adr_title=None,
                adr_status=None,
                adr_decision="",
                adr_path=None,
            )
    return [rules[name] for name in sorted(rules)]


def _sarif_rule(info: RuleInfo) -> dict[str, Any]:
    short = info.description or f"{info.kind} rule"
    full = f"{short.rstrip('.')}. Kind: {info.kind}. Default severity: {info.severity}."
    if info.note:
        full += f" {info.note[:1].upper()}{info.note[1:].rstrip('.')}."
    if info.adr is not None:
        full += f" Rationale: {adr_label(info.adr, info.adr_title)}."
    descriptor: dict[str, Any] = {
        "id": info.name,
        "name": info.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": _SARIF_LEVELS.get(info.severity, "warning")},
    }
    if info.adr is not None:
        descriptor["help"] = _sarif_help(info, info.adr)
        if info.adr_path is not None:
            descriptor["helpUri"] = info.adr_path.as_uri()
    properties: dict[str, Any] = {"kind": info.kind}
    if info.adr is not None:
        properties["adr"] = format_adr_id(info.adr)
    descriptor["properties"] = properties
    return descriptor


def _sarif_help(info: RuleInfo, adr: int) -> dict[str, str]:
    label = adr_label(adr, info.adr_title)
    status = f" ({info.adr_status})" if info.adr_status else ""
    decision = f"\n\n{info.adr_decision}" if info.adr_decision else ""
    return {
        "text": f"{label}{status}{decision}",
        "markdown": f"**{_markdown_escape(label)}**{_markdown_escape(status)}{decision}",
    }


def _markdown_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "\\`*_[]<>#|" else char for char in text)


def _sarif_group_result(
    report: Report, cwd: Path, group: FindingGroup, rule_index: int
) -> dict[str, Any]:
    """Findings that share their boundary-crossing import: one result on that import, each
    finding's own import a related location."""
    first, crossing = group.shortest, group.crossing
    message = _with_adr(report, first, _group_message(group))
    message += f". Shortest chain: {_chain_text(first)}."
    return {
        "ruleId": crossing.rule,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[_group_severity(group)],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical_location(crossing.path, crossing.range, cwd)}],
        "relatedLocations": [
            {
                "id": number,
                "physicalLocation": _physical_location(v.path, v.range, cwd),
                "message": {"text": v.message},
            }
            for number, v in enumerate(group.findings, start=1)
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: hashlib.sha256(f"group\n{group.id}".encode()).hexdigest()
        },
        "properties": {
            "group": group.id,
            "chain": list(first.chain),
            "modules": list(group.modules),
            "findings": len(group.findings),
        },
    }


def _sarif_result(
    report: Report,
    cwd: Path,
    violation: Violation,
    rule_index: int,
    group: FindingGroup | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": violation.rule,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[violation.severity],
        "message": {"text": _message_with_adr(report, violation)},
        "locations": [
            {"physicalLocation": _physical_location(violation.path, violation.range, cwd)}
        ],
    }
    if violation.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical_location(related.path, related.range, cwd),
                "message": {"text": related.message},
            }
            for number, related in enumerate(violation.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(violation, cwd)}
    properties: dict[str, Any] = {"chain": list(violation.chain)}
    if violation.importer is not None:
        properties["importer"] = violation.importer
    if violation.imported is not None:
        properties["imported"] = violation.imported
    if violation.adr is not None:
        properties["adr"] = format_adr_id(violation.adr)
    if group is not None:
        properties["group"] = group.id
    result["properties"] = properties
    return result


def _physical_location(path: Path, where: Range, cwd: Path) -> dict[str, Any]:
    relative = _relative(path, cwd)
    artifact: dict[str, Any]
    if relative is not None:
        artifact = {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
    else:
        artifact = {"uri": Path(os.path.abspath(path)).as_uri()}
    return {
        "artifactLocation": artifact,
        "region": {
            "startLine": where.line + 1,
            "startColumn": where.col + 1,
            "endLine": where.end_line + 1,
            "endColumn": where.end_col + 1,
        },
    }


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _fingerprint(violation: Violation, cwd: Path) -> str:
    """Stable across line moves: the baseline key, never positions."""
    key = violation.key or (
        violation.rule,
        display_path(violation.path, cwd),
        violation.message,
    )
    return hashlib.sha256("\n".join(key).encode("utf-8")).hexdigest()


# --- github -------------------------------------------------------------------------------


def _render_github(report: Report) -> str:
    lines: list[str] = []
    for item in _shown(report):
        if isinstance(item, FindingGroup):
            first = item.shortest
            path, where, rule = item.crossing.path, item.crossing.range, item.crossing.rule
            level = _GITHUB_LEVELS[_group_severity(item)]
            message = _with_adr(report, first, _group_message(item))
            message += f" [shortest chain: {_chain_text(first)}; from: {_some(item.modules)}]"
        else:
            path, where, rule = item.path, item.range, item.rule
            level = _GITHUB_LEVELS[item.severity]
            message = _message_with_adr(report, item)
            if _shows_chain(item):
                message += f" [chain: {_chain_text(item)}]"
        properties = ",".join(
            f"{name}={_escape_property(str(value))}"
            for name, value in (
                ("file", display_path(path, report.cwd)),
                ("line", where.line + 1),
                ("col", where.col + 1),
                ("endLine", where.end_line + 1),
                ("endColumn", where.end_col + 1),
                ("title", rule),
            )
        )
        lines.append(f"::{level} {properties}::{_escape_data(message)}")
    lines.extend(
        f"::warning::{_escape_data(STALE_GITHUB + entry)}" for entry in report.stale_baseline
    )
    lines.extend(_github_error(report, error) for error in report.errors)
    return "".join(f"{line}\n" for line in lines)


def _github_error(report: Report, error: ErrorInfo) -> str:
    if error.path is None:
        return f"::error title=archrules::{_escape_data(error.message)}"
    where = error.range or FILE_START
    properties = ",".join(
        f"{name}={_escape_property(str(value))}"
        for name, value in (
            ("file", display_path(error.path, report.cwd)),
            ("line", where.line + 1),
            ("col", where.col + 1),
            ("title", "archrules config error"),
        )
    )
    return f"::error {properties}::{_escape_data(error.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": _render_text,
    "json": _render_json,
    "sarif": _render_sarif,
    "github": _render_github,
}
