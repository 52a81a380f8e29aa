"""Hover: why an import is flagged (rule, layers, chain, the ADR's decision); on a module's
first line, its layer and what it may import; on an imported name, where jedi says it is
really defined; in ``archrules.toml``, the rule and its ADR."""

from __future__ import annotations

from lsprotocol import types

from archrules.core.adr import Adr, AdrSet, describe_status
from archrules.core.rule import Rule
from archrules.core.types import FILE_START, Range, Violation, adr_label, format_adr_id
from archrules.core.workspace import ProjectState
from archrules.lsp.convert import to_client_range
from archrules.lsp.resolve import defining_module
from archrules.lsp.server import ArchrulesServer, Located


def adr_markdown(adrs: AdrSet | None, number: int | None) -> list[str]:
    if number is None:
        return []
    adr: Adr | None = adrs.get(number) if adrs is not None else None
    if adr is None:
        return [f"**{format_adr_id(number)}** (no such ADR file)"]
    lines = [f"**{adr_label(number, adr.title)}** ({describe_status(adr)})"]
    if adr.superseded_by is not None and adrs is not None:
        successor = adrs.get(adr.superseded_by)
        if successor is not None:
            lines.append(f"Superseded by **{adr_label(successor.number, successor.title)}**.")
    if adr.decision:
        lines.append("> " + adr.decision.replace("\n", "\n> "))
    return lines


def violation_markdown(violation: Violation, state: ProjectState | None) -> str:
    adrs = state.adrs if state is not None else None
    rule = state.rule(violation.rule) if state is not None else None
    parts = [f"**archrules: `{violation.rule}`** ({violation.kind}, {violation.severity})"]
    parts.append(violation.message)
    if len(violation.chain) > 2:
        parts.append("Chain: " + " → ".join(f"`{m}`" for m in violation.chain))
    if rule is not None and rule.description:
        parts.append(f"*{rule.description}*")
    parts.extend(adr_markdown(adrs, violation.adr))
    return "\n\n".join(parts)


def module_markdown(state: ProjectState, module: str) -> tuple[str | None, str]:
    """The module's layer (for status bars) and a Markdown explanation."""
    explanation = state.explain(module)
    parts = [f"**Module `{module}`**"]
    if not explanation.roles:
        parts.append("No archrules rule constrains this module.")
    for role in explanation.roles:
        lines = [f"- **{role.rule.name}** ({role.rule.kind}): {role.role}"]
        if role.may_import:
            lines.append("  - may import: " + ", ".join(f"`{m}`" for m in role.may_import))
        if role.may_not_import:
            lines.append("  - may not import: " + ", ".join(f"`{m}`" for m in role.may_not_import))
        if role.rule.adr is not None:
            adr = state.adrs.get(role.rule.adr) if state.adrs is not None else None
            lines.append(f"  - {adr_label(role.rule.adr, adr.title if adr else None)}")
        parts.append("\n".join(lines))
    return explanation.layer, "\n\n".join(parts)


def rule_markdown(rule: Rule, state: ProjectState) -> str:
    parts = [f"**Rule `{rule.name}`** ({rule.kind}, {rule.severity})"]
    if rule.description:
        parts.append(rule.description)
    parts.extend(adr_markdown(state.adrs, rule.adr))
    return "\n\n".join(parts)


def _contains(r: Range, line: int, col: int) -> bool:
    return (r.line, r.col) <= (line, col) <= (r.end_line, r.end_col)


def _hover(server: ArchrulesServer, at: Located) -> tuple[str, Range] | None:
    path, line, col = at.path, at.line, at.col
    state = server.state_for(path)
    if state is None or not state.loaded:
        return None
    if state.config_path == path:
        config = state.config
        for rule in config.rules if config is not None else ():
            for r in (rule.range, rule.adr_range):
                if r is not None and _contains(r, line, col):
                    return rule_markdown(rule, state), r
        return None
    server.ensure_checked()
    here = [v for v in server.violations_at(path) if _contains(v.range, line, col)]
    if here:
        text = "\n\n---\n\n".join(violation_markdown(v, state) for v in here)
        return text, here[0].range
    module = state.module_of(path)
    if module is None:
        return None
    found = defining_module(state, path, at.lines, line, col)
    if found is None:
        if line == 0:
            _, text = module_markdown(state, module)
            return text, FILE_START
        return None
    name, defined_in, where = found
    layer = state.explain(defined_in).layer
    if _named_on_line(state, module, line, defined_in):
        # the import names the module that defines it: "x is defined in x" tells nothing;
        # say what the rules say of it, or nothing (a violation would have been shown above)
        if layer is None:
            return None
        return f"`{defined_in}` is in layer `{layer}`; this import breaks no rule", where
    parts = [f"`{name}` is defined in `{defined_in}`"]
    if layer is not None:
        parts[0] += f" (layer `{layer}`)"
    for violation in state.hypothetical(module, defined_in, path):
        parts.append(
            f"Re-exported from a module `{module}` may not import: {violation.message} "
            f"(rule `{violation.rule}`)"
        )
        parts.extend(adr_markdown(state.adrs, violation.adr))
    return "\n\n".join(parts), where


def _named_on_line(state: ProjectState, module: str, line: int, defined_in: str) -> bool:
    """Whether an import on the line names ``defined_in`` itself (or a module inside it,
    as ``import a.b`` names ``a``): then the name is not re-exported from elsewhere."""
    return any(
        imported == defined_in or imported.startswith(defined_in + ".")
        for imported in state.imported_on_line(module, line)
    )


def register(server: ArchrulesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @server.guard("textDocument/hover")
    def hover(params: types.HoverParams) -> types.Hover | None:
        at = server.locate(params.text_document.uri, params.position)
        found = _hover(server, at) if at is not None else None
        if at is None or found is None:
            return None
        lines = at.lines
        text, where = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=to_client_range(lines, where, server.encoding),
        )
