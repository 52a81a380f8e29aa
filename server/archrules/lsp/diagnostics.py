"""Diagnostics: engine findings as LSP diagnostics, pushed or pulled from one store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from lsprotocol import types

from archrules.core.adr import AdrSet
from archrules.core.config import ConfigProblem
from archrules.core.groups import FindingGroup
from archrules.core.types import SYNTAX_ERROR, Range, Violation, adr_label, format_adr_id
from archrules.lsp.convert import to_client_range
from archrules.lsp.server import ArchrulesServer
from archrules.lsp.store import result_id

SOURCE = "archrules"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def message_with_adr(violation: Violation, adrs: AdrSet | None) -> str:
    if violation.adr is None:
        return violation.message
    adr = adrs.get(violation.adr) if adrs is not None else None
    return f"{violation.message} ({adr_label(violation.adr, adr.title if adr else None)})"


class _Texts:
    """Each file's lines, read once per conversion (a closed file is read from disk)."""

    def __init__(self, server: ArchrulesServer) -> None:
        self.server = server
        self._lines: dict[Path, list[str]] = {}

    def __call__(self, path: Path) -> list[str]:
        if path not in self._lines:
            self._lines[path] = self.server.lines_of(path)
        return self._lines[path]


def _location(server: ArchrulesServer, path: Path, where: Range, texts: _Texts) -> types.Location:
    return types.Location(
        uri=server.uri(path), range=to_client_range(texts(path), where, server.encoding)
    )


def _reach(group: FindingGroup) -> str:
    count = len(group.modules)
    return f"{count} module{'' if count == 1 else 's'} reach{'es' if count == 1 else ''}"


def to_diagnostic(
    server: ArchrulesServer, violation: Violation, adrs: AdrSet | None, texts: _Texts
) -> types.Diagnostic:
    severity = server.settings.severity.get(violation.rule, violation.severity)
    adr = adrs.get(violation.adr) if adrs is not None and violation.adr is not None else None
    group = server.store.group_of.get(violation)
    related: list[types.DiagnosticRelatedInformation] = []
    for number, step in enumerate(violation.related, start=1):
        message = step.message
        if group is not None and number == len(violation.related):  # where it crosses
            message += (
                f": the boundary-crossing import; {_reach(group)} "
                f"{group.crossing.imported} through it"
            )
        related.append(
            types.DiagnosticRelatedInformation(
                location=_location(server, step.path, step.range, texts), message=message
            )
        )
    data: dict[str, Any] = {"rule": violation.rule, "kind": violation.kind}
    if group is not None:
        data["group"] = group.id
    if violation.adr is not None:
        data["adr"] = format_adr_id(violation.adr)
    return types.Diagnostic(
        range=to_client_range(texts(violation.path), violation.range, server.encoding),
        message=message_with_adr(violation, adrs),
        severity=_SEVERITY[severity],
        code=violation.rule,
        code_description=types.CodeDescription(href=server.uri(adr.path)) if adr else None,
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if violation.rule == "unused-exception" else None,
        data=data,
    )


CROSSING_NAMES_SHOWN = 3


def crossing_diagnostic(
    server: ArchrulesServer, group: FindingGroup, adrs: AdrSet | None, texts: _Texts
) -> types.Diagnostic:
    """On the import where chains cross into the forbidden layer: how many modules reach it
    through this import. Information: the findings themselves are on each module's import."""
    crossing, first = group.crossing, group.shortest
    modules = group.modules
    shown = ", ".join(modules[:CROSSING_NAMES_SHOWN])
    if len(modules) > CROSSING_NAMES_SHOWN:
        shown += f" and {len(modules) - CROSSING_NAMES_SHOWN} more"
    message = (
        f"{_reach(group)} {crossing.imported} through this import, against {crossing.rule}: {shown}"
    )
    adr = adrs.get(first.adr) if adrs is not None and first.adr is not None else None
    return types.Diagnostic(
        range=to_client_range(texts(crossing.path), crossing.range, server.encoding),
        message=message_with_adr(replace(first, message=message), adrs),
        severity=types.DiagnosticSeverity.Information,
        code=crossing.rule,
        code_description=types.CodeDescription(href=server.uri(adr.path)) if adr else None,
        source=SOURCE,
        related_information=[
            types.DiagnosticRelatedInformation(
                location=_location(server, v.path, v.range, texts), message=v.message
            )
            for v in group.findings
        ],
        data={"rule": crossing.rule, "kind": first.kind, "group": group.id, "crossing": True},
    )


def problem_diagnostic(
    server: ArchrulesServer, problem: ConfigProblem, texts: _Texts
) -> types.Diagnostic:
    return types.Diagnostic(
        range=to_client_range(texts(problem.path), problem.range, server.encoding),
        message=problem.message,
        severity=types.DiagnosticSeverity.Error
        if problem.severity == "error"
        else types.DiagnosticSeverity.Warning,
        code="config",
        source=SOURCE,
    )


def diagnostics_for(server: ArchrulesServer, path: Path) -> list[types.Diagnostic]:
    if not server.settings.enable:
        return []
    store = server.store
    texts = _Texts(server)
    state = server.state_for(path)
    adrs = state.adrs if state is not None else None
    violations = store.violations.get(path, ())
    if any(v.rule == SYNTAX_ERROR for v in violations) and server.typing_in(path):
        violations = [v for v in violations if v.rule != SYNTAX_ERROR]  # shown at a pause
    found = [to_diagnostic(server, v, adrs, texts) for v in violations]
    found.extend(crossing_diagnostic(server, g, adrs, texts) for g in store.crossings.get(path, ()))
    found.extend(problem_diagnostic(server, p, texts) for p in store.problems.get(path, ()))
    return found


def check_and_publish(server: ArchrulesServer) -> None:
    """Recompute every project's findings and tell the client what changed."""
    with server.log.timed("check") as extra:
        violations = server.engine.results(baseline=server.settings.baseline)
        changed = server.store.update(violations, server.engine.config_problems())
        extra["changed"] = len(changed)
        extra["indexing"] = server.indexing
    settings_changed, server.settings_changed = server.settings_changed, False
    if server.pull:
        if changed or settings_changed:
            server.workspace_diagnostic_refresh(None)
        return
    for path in sorted(set(server.versions) | set(server.store.sent)):
        publish(server, path, force=path in changed)


def republish(server: ArchrulesServer, paths: set[Path]) -> None:
    """Typing paused in these documents: show what was held back (syntax errors)."""
    if server.pull:
        server.workspace_diagnostic_refresh(None)
        return
    for path in sorted(paths):
        publish(server, path)


def publish(server: ArchrulesServer, path: Path, *, force: bool = False) -> None:
    """Push one open document's diagnostics, for the version the engine has read."""
    version = server.versions.get(path)
    if version is None and path not in server.store.sent:
        return
    diagnostics = diagnostics_for(server, path) if version is not None else []
    last = server.store.sent.get(path)
    if not force and last is not None and last == (version, diagnostics):
        return
    if version is None:
        server.store.sent.pop(path, None)
    else:
        server.store.sent[path] = (version, diagnostics)
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=server.uri(path), diagnostics=diagnostics, version=version
        )
    )


def register(server: ArchrulesServer) -> None:
    options = types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True
    )

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    @server.guard("textDocument/diagnostic")
    def document_diagnostic(
        params: types.DocumentDiagnosticParams,
    ) -> types.DocumentDiagnosticReport:
        server.ensure_checked()
        path = server.document_path(params.text_document.uri)
        pulled = server.pull and path is not None
        diagnostics = diagnostics_for(server, path) if pulled and path is not None else []
        rid = result_id(diagnostics)
        if params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=rid)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    @server.guard("workspace/diagnostic")
    def workspace_diagnostic(
        params: types.WorkspaceDiagnosticParams,
    ) -> types.WorkspaceDiagnosticReport:
        server.ensure_checked()
        previous = {p.uri: p.value for p in params.previous_result_ids}
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        if not server.pull:  # this client gets pushed diagnostics (see lifecycle.py)
            return types.WorkspaceDiagnosticReport(items=items)
        for path in sorted(server.store.paths() | set(server.versions)):
            uri = server.uri(path)
            diagnostics = diagnostics_for(server, path)
            rid = result_id(diagnostics)
            version = server.versions.get(path)
            if previous.get(uri) == rid:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=uri, version=version, result_id=rid
                    )
                )
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, version=version, items=diagnostics, result_id=rid
                    )
                )
        return types.WorkspaceDiagnosticReport(items=items)
