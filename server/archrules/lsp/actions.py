"""Quick fixes, as versioned workspace edits: allow with the rule's ADR, record a new ADR
for the exception, replace a superseded ADR reference, remove an unused exception, import
from the interface module that re-exports the name."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from archrules.core.adr import exception_slug
from archrules.core.types import (
    ADR_REFERENCE,
    BUILTIN_RULES,
    EXCEPTION_ADR,
    UNUSED_EXCEPTION,
    ExceptionComment,
    Range,
    Violation,
    format_adr_id,
)
from archrules.core.workspace import ProjectState
from archrules.lsp.convert import from_client_position, to_client_range
from archrules.lsp.server import ArchrulesServer


def code_comment_start(line: str) -> int | None:
    """Where a ``#`` comment starts on a line of code, outside string literals."""
    quote: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote is not None:
            if ch == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch == "#":
            return i
        elif ch in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in ("'''", '"""') else ch
            i += len(quote)
            continue
        i += 1
    return None


class Edits:
    """Text edits for one document, in code points, encoded for the client at the end."""

    def __init__(self, server: ArchrulesServer, path: Path) -> None:
        self.server, self.path = server, path
        self.lines = server.lines_of(path)
        text = server.engine.open_text(path)
        self.eol = "\r\n" if text is not None and "\r\n" in text else "\n"
        self.edits: list[types.TextEdit] = []

    def replace(self, r: Range, new_text: str) -> Edits:
        self.edits.append(
            types.TextEdit(
                range=to_client_range(self.lines, r, self.server.encoding), new_text=new_text
            )
        )
        return self

    def document_edit(self) -> types.TextDocumentEdit:
        return types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=self.server.uri(self.path), version=self.server.versions.get(self.path)
            ),
            edits=list(self.edits),
        )


def _comment_on(comments: tuple[ExceptionComment, ...], line: int) -> ExceptionComment | None:
    for comment in comments:
        target = comment.line + 1 if comment.own_line else comment.line
        if target == line:
            return comment
    return None


def allow_edit(
    server: ArchrulesServer, state: ProjectState, violation: Violation, adr: int | None
) -> Edits:
    """Insert (or extend) the exception comment for the violation's line."""
    edits = Edits(server, violation.path)
    line = violation.range.line
    text = edits.lines[line] if line < len(edits.lines) else ""
    facts = state.facts(violation.path)
    existing = _comment_on(facts.exceptions, line) if facts is not None else None
    if existing is not None and existing.rule_ranges:
        last = existing.rule_ranges[-1]
        edits.replace(
            Range(last.end_line, last.end_col, last.end_line, last.end_col), f", {violation.rule}"
        )
        if existing.adr is None and adr is not None:
            end = existing.range
            close = edits.lines[end.line].find("]", last.end_col)
            if close >= 0:
                edits.replace(
                    Range(end.line, close + 1, end.line, close + 1), f" {format_adr_id(adr)}"
                )
        return edits
    comment = f"# archrules: allow[{violation.rule}]" + (f" {format_adr_id(adr)}" if adr else "")
    if code_comment_start(text) is not None:  # keep the user's comment: ours goes above
        indent = text[: len(text) - len(text.lstrip())]
        edits.replace(Range(line, 0, line, 0), f"{indent}{comment}{edits.eol}")
    else:
        stop = len(text.rstrip())
        edits.replace(Range(line, stop, line, len(text)), f"  {comment}")
    return edits


def _action(
    title: str,
    changes: list[types.TextDocumentEdit | types.CreateFile],
    diagnostics: list[types.Diagnostic],
    preferred: bool = False,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics or None,
        is_preferred=preferred or None,
        edit=types.WorkspaceEdit(document_changes=changes),
    )


def _can_create(server: ArchrulesServer) -> bool:
    """Whether the client creates files from a workspace edit. Resource operations exist
    only inside ``documentChanges``, so a client that lists them (Neovim does, without
    setting ``documentChanges``) applies those too."""
    caps = server.client_capabilities.workspace
    edit = caps.workspace_edit if caps else None
    return bool(
        edit
        and edit.resource_operations
        and types.ResourceOperationKind.Create in edit.resource_operations
    )


def new_adr_edits(
    server: ArchrulesServer,
    state: ProjectState,
    title: str,
    context: str,
    decision: str,
    slug: str | None = None,
) -> tuple[int, Path, list[types.TextDocumentEdit | types.CreateFile]]:
    """Create the next ``NNNN-slug.md`` (by default the title's slug) from the MADR
    template (``ProjectState.plan_adr``), as workspace edits."""
    planned = state.plan_adr(title, context=context, decision=decision, slug=slug)
    assert planned is not None
    uri = server.uri(planned.path)
    return (
        planned.number,
        planned.path,
        [
            types.CreateFile(
                uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
            ),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[
                    types.TextEdit(
                        range=types.Range(
                            start=types.Position(line=0, character=0),
                            end=types.Position(line=0, character=0),
                        ),
                        new_text=planned.text,
                    )
                ],
            ),
        ],
    )


def _record_adr_action(
    server: ArchrulesServer,
    state: ProjectState,
    violation: Violation,
    diags: list[types.Diagnostic],
) -> types.CodeAction:
    slug: str | None = None
    if violation.importer and violation.imported:
        title = f"Allow {violation.importer} to import {violation.imported}"
        slug = exception_slug(violation.importer, violation.imported)
    else:
        title = f"Exception to {violation.rule} in {violation.path.stem}"
    context = (
        f"`{violation.path.name}` line {violation.range.line + 1} breaks rule "
        f"`{violation.rule}`: {violation.message}"
    )
    if violation.adr is not None:
        context += f" The rule is explained by {format_adr_id(violation.adr)}."
    decision = f"We allow this exception to `{violation.rule}` because <!-- why -->."
    number, _, changes = new_adr_edits(server, state, title, context, decision, slug)
    source = allow_edit(server, state, violation, number).document_edit()
    return _action(
        f"Record a new ADR ({format_adr_id(number)}) for this exception to {violation.rule}",
        [*changes, source],
        diags,
    )


def _exception_at(state: ProjectState, path: Path, r: Range) -> ExceptionComment | None:
    facts = state.facts(path)
    for comment in facts.exceptions if facts is not None else ():
        if comment.range.line == r.line and comment.range.col <= r.col <= comment.range.end_col:
            return comment
    return None


def _remove_rule_action(
    server: ArchrulesServer,
    state: ProjectState,
    violation: Violation,
    diags: list[types.Diagnostic],
) -> types.CodeAction | None:
    comment = _exception_at(state, violation.path, violation.range)
    if comment is None:
        return None
    edits = Edits(server, violation.path)
    line = comment.range.line
    if len(comment.rules) <= 1:
        if comment.own_line:
            edits.replace(Range(line, 0, line + 1, 0), "")
        else:
            text = edits.lines[line]
            start = len(text[: comment.range.col].rstrip())
            edits.replace(Range(line, start, line, comment.range.end_col), "")
        title = "Remove the unused exception comment"
    else:
        i = (
            comment.rule_ranges.index(violation.range)
            if violation.range in comment.rule_ranges
            else -1
        )
        if i < 0:
            return None
        r = comment.rule_ranges[i]
        if i + 1 < len(comment.rule_ranges):
            edits.replace(Range(line, r.col, line, comment.rule_ranges[i + 1].col), "")
        else:
            edits.replace(Range(line, comment.rule_ranges[i - 1].end_col, line, r.end_col), "")
        title = f"Remove {comment.rules[i]} from the exception"
    return _action(title, [edits.document_edit()], diags, preferred=True)


def _successor_action(
    server: ArchrulesServer,
    state: ProjectState,
    violation: Violation,
    diags: list[types.Diagnostic],
) -> types.CodeAction | None:
    adrs = state.adrs
    if violation.adr is None or adrs is None:
        return None
    adr = adrs.get(violation.adr)
    if adr is None or adr.superseded_by is None or adrs.get(adr.superseded_by) is None:
        return None
    edits = Edits(server, violation.path)
    r = violation.range
    text = edits.lines[r.line][r.col : r.end_col] if r.line < len(edits.lines) else ""
    match = ADR_REFERENCE.search(text)
    if match is None:
        return None
    new_id = format_adr_id(adr.superseded_by)
    edits.replace(Range(r.line, r.col + match.start(), r.line, r.col + match.end()), new_id)
    return _action(
        f"Replace {format_adr_id(adr.number)} by its successor {new_id}",
        [edits.document_edit()],
        diags,
        preferred=True,
    )


def _interface_action(
    server: ArchrulesServer,
    state: ProjectState,
    violation: Violation,
    diags: list[types.Diagnostic],
) -> types.CodeAction | None:
    if violation.imported is None:
        return None
    exposed_modules = state.exposed_by(violation.rule)
    facts = state.facts(violation.path)
    if not exposed_modules or facts is None:
        return None
    fact = next(
        (f for f in facts.imports if f.module_range == violation.range and f.name and f.level == 0),
        None,
    )
    if fact is None or fact.name is None:
        return None
    for exposed in exposed_modules:
        exposed_path = server.engine.module_path(violation.path, exposed)
        exposed_facts = server.engine.read_now(exposed_path) if exposed_path is not None else None
        if exposed_facts is None or exposed == violation.imported:
            continue
        if any(f.name == fact.name for f in exposed_facts.imports):
            edits = Edits(server, violation.path).replace(fact.module_range, exposed)
            return _action(
                f"Import {fact.name} from the interface module {exposed}",
                [edits.document_edit()],
                diags,
                preferred=True,
            )
    return None


def actions_for(
    server: ArchrulesServer, path: Path, r: Range, context: list[types.Diagnostic]
) -> list[types.CodeAction]:
    state = server.state_for(path)
    if state is None or not state.loaded:
        return []
    server.ensure_checked()
    lines = server.lines_of(path)
    ours = [d for d in context if d.source == "archrules"]
    wanted: list[tuple[Violation, list[types.Diagnostic]]] = []
    for violation in server.violations_at(path):
        vr = violation.range
        if ours:
            matching = [
                d
                for d in ours
                if d.code == violation.rule
                and to_client_range(lines, vr, server.encoding) == d.range
            ]
            if matching:
                wanted.append((violation, matching))
        elif vr.line <= r.end_line and r.line <= vr.end_line:
            wanted.append((violation, []))
    found: list[types.CodeAction] = []
    for violation, diags in wanted:
        if violation.rule == UNUSED_EXCEPTION:
            action = _remove_rule_action(server, state, violation, diags)
            if action is not None:
                found.append(action)
            continue
        if violation.rule == EXCEPTION_ADR:
            action = _successor_action(server, state, violation, diags)
            if action is not None:
                found.append(action)
            continue
        if violation.rule in BUILTIN_RULES:
            if violation.rule == "adr-status":
                action = _successor_action(server, state, violation, diags)
                if action is not None:
                    found.append(action)
            continue
        if violation.kind == "interface":
            action = _interface_action(server, state, violation, diags)
            if action is not None:
                found.append(action)
        adr = violation.adr
        title = f"Allow {violation.rule} here" + (f" ({format_adr_id(adr)})" if adr else "")
        found.append(
            _action(title, [allow_edit(server, state, violation, adr).document_edit()], diags)
        )
        if _can_create(server) and state.adrs is not None:
            found.append(_record_adr_action(server, state, violation, diags))
    return found


def register(server: ArchrulesServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @server.guard("textDocument/codeAction")
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        path = server.document_path(params.text_document.uri)
        if path is None:
            return None
        lines = server.lines_of(path)
        start = from_client_position(lines, params.range.start, server.encoding)
        end = from_client_position(lines, params.range.end, server.encoding)
        r = Range(start[0], start[1], end[0], end[1])
        return actions_for(server, path, r, list(params.context.diagnostics)) or None
