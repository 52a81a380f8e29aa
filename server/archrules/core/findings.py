"""Built-in findings and inline exceptions.

The built-in rules (``types.BUILTIN_RULES``: unused or ill-founded exceptions, rules citing
an ADR no longer in force, files that do not parse or cannot be read) are findings about
the sources and the decisions rather than the architecture. This module makes them, and
applies a file's exception comments (``# archrules: allow[rule] ADR-NNNN``) to its
findings. It is pure: the model hands it one file's facts and findings (or the config and
the ADRs) and keeps the results in its incremental caches.
"""

from __future__ import annotations

from pathlib import Path

from archrules.core.adr import Adr, AdrSet, describe_status
from archrules.core.config import Config
from archrules.core.expressions import ImportExpr
from archrules.core.types import (
    ADR_STATUS,
    BUILTIN_RULES,
    EXCEPTION_ADR,
    FILE_START,
    SYNTAX_ERROR,
    UNMATCHED_IGNORE,
    UNREADABLE_FILE,
    UNUSED_EXCEPTION,
    ExceptionComment,
    FileFacts,
    Range,
    Severity,
    SourceProblem,
    Violation,
    format_adr_id,
)

_NOT_IN_FORCE = ("rejected", "deprecated", "superseded")


def builtin(
    rule: str,
    path: Path,
    range_: Range,
    message: str,
    key: tuple[str, ...],
    adr: int | None = None,
    severity: Severity | None = None,
) -> Violation:
    """A finding of a built-in rule, with the rule's kind and (unless given) severity."""
    kind, default_severity, _ = BUILTIN_RULES[rule]
    return Violation(
        rule=rule,
        kind=kind,
        severity=severity or default_severity,
        path=path,
        range=range_,
        message=message,
        adr=adr,
        key=key,
    )


def unreadable_file(path: Path, message: str) -> Violation:
    """A source file whose text could not be read (``message`` says why)."""
    return builtin(UNREADABLE_FILE, path, FILE_START, message, (str(path.name),))


def unmatched_ignore(config: Config, rule: str, expr: ImportExpr) -> Violation:
    """An ignore or ignore-exact entry of ``rule`` that matches no import."""
    where = "ignore-exact" if expr.exact else "ignore"
    text = f"{expr.importer.text} -> {expr.imported.text}"
    message = (
        f"rule {rule}: '{text}' in '{where}' matches no import (remove it, or set "
        "warn-unmatched-ignores = false)"
    )
    return builtin(UNMATCHED_IGNORE, config.path, expr.range, message, (rule, where, text))


def syntax_error(path: Path, module: str, problem: SourceProblem) -> Violation:
    """A file that does not parse; its readable imports are checked all the same."""
    return builtin(
        SYNTAX_ERROR,
        path,
        problem.range,
        f"syntax error: {problem.message} (the imports that can be read are still checked)",
        (module,),
    )


def apply_exceptions(
    config: Config,
    adrs: AdrSet,
    path: Path,
    module: str,
    facts: FileFacts,
    found: list[Violation],
    report_unused: bool,
) -> list[Violation]:
    """One file's findings without those its exception comments silence, plus what is
    wrong with the comments themselves (an ADR missing or not in force; with
    ``report_unused``, a rule name that silences nothing, which needs every finding of the
    file, graph-wide ones included)."""
    comments = facts.exceptions
    if not comments:
        return found
    # a finding on a line also belongs to the import statement or the (decorated)
    # definition that starts earlier: an exception there applies to it
    stmt_of_line: dict[int, int] = {}
    for fact in facts.imports:
        for r in (fact.module_range, fact.name_range):
            if r is not None:
                stmt_of_line.setdefault(r.line, fact.stmt_line)
    first_of_line = {d.name_range.line: d.first_line for d in facts.definitions}
    used: set[tuple[int, str]] = set()
    kept: list[Violation] = []
    for violation in found:
        line = violation.range.line
        lines = {line, stmt_of_line.get(line, -1), first_of_line.get(line, -1)}
        silenced = False
        for i, comment in enumerate(comments):
            target = comment.line + 1 if comment.own_line else comment.line
            # module-level findings sit on the first line: a comment alone on the
            # first line applies to them too (there is no line above)
            if comment.line == 0 and line == 0:
                target = 0
            if target in lines and violation.rule in comment.rules:
                used.add((i, violation.rule))
                silenced = True
        if not silenced:
            kept.append(violation)
    for i, comment in enumerate(comments):
        kept.extend(_exception_problems(config, adrs, path, module, comment))
        for rule, rule_range in zip(comment.rules, comment.rule_ranges, strict=False):
            if (i, rule) in used or not report_unused:
                continue
            known = config.rule(rule) is not None or rule in BUILTIN_RULES
            message = (
                f"unused exception: allow[{rule}] silences nothing on this line"
                if known
                else f"unused exception: there is no rule named '{rule}'"
            )
            kept.append(builtin(UNUSED_EXCEPTION, path, rule_range, message, (module, rule)))
    return kept


def _exception_problems(
    config: Config, adrs: AdrSet, path: Path, module: str, comment: ExceptionComment
) -> list[Violation]:
    require = config.require_for_exceptions
    rules = ", ".join(comment.rules)
    if comment.adr is None:
        if not require:
            return []
        return [
            builtin(
                EXCEPTION_ADR,
                path,
                comment.range,
                f"the exception allow[{rules}] cites no ADR; this project requires one "
                "(require-for-exceptions)",
                (module, rules),
            )
        ]
    adr_id = format_adr_id(comment.adr)
    adr = adrs.get(comment.adr)
    where = comment.adr_range or comment.range
    key = (module, rules, adr_id)
    if adr is None:
        return [
            builtin(
                EXCEPTION_ADR,
                path,
                where,
                f"the exception cites {adr_id}, which does not exist",
                key,
            )
        ]
    if adr.status in _NOT_IN_FORCE:
        message = f"the exception cites {adr_id} ({adr.title}), which is {_status_text(adrs, adr)}"
        return [builtin(EXCEPTION_ADR, path, where, message, key, comment.adr, "warning")]
    if require and adr.status != "accepted":
        message = (
            f"the exception cites {adr_id} ({adr.title}), which is {adr.status}, "
            "not accepted (require-for-exceptions)"
        )
        return [builtin(EXCEPTION_ADR, path, where, message, key, comment.adr, "warning")]
    return []


def _status_text(adrs: AdrSet, adr: Adr) -> str:
    """An ADR's status, with its successor's title when it names one."""
    text = describe_status(adr)
    if adr.superseded_by is not None:
        successor = adrs.get(adr.superseded_by)
        if successor is not None:
            text += f" ({successor.title})"
    return text


def rule_adr_warnings(config: Config, adrs: AdrSet) -> list[Violation]:
    """The config's rules that cite an ADR no longer in force (rejected, deprecated,
    superseded)."""
    found: list[Violation] = []
    for rule in config.rules:
        if rule.adr is None:
            continue
        adr = adrs.get(rule.adr)
        if adr is None or adr.status not in _NOT_IN_FORCE:
            continue
        found.append(
            builtin(
                ADR_STATUS,
                config.path,
                rule.adr_range or rule.range,
                f"rule {rule.name} cites {format_adr_id(rule.adr)} ({adr.title}), which is "
                f"{_status_text(adrs, adr)}",
                (rule.name, format_adr_id(rule.adr)),
                adr=rule.adr,
            )
        )
    return found
