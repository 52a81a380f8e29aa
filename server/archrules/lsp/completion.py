"""Completion inside ``# archrules: allow[``: rule names with their descriptions; after the
closing bracket: ADR ids with titles and statuses."""

from __future__ import annotations

import re

from lsprotocol import types

from archrules.core.adr import describe_status
from archrules.core.types import BUILTIN_RULES, format_adr_id
from archrules.lsp.server import ArchrulesServer

_IN_RULES = re.compile(r"#\s*archrules:\s*allow\[([^\]]*)$")
_AFTER_RULES = re.compile(r"#\s*archrules:\s*allow\[[^\]]*\]\s*(?:ADR-?\d*)?$", re.IGNORECASE)


def register(server: ArchrulesServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["[", ",", " ", "-"]),
    )
    @server.guard("textDocument/completion")
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        at = server.locate(params.text_document.uri, params.position)
        if at is None:
            return None
        before = at.lines[at.line][: at.col] if at.line < len(at.lines) else ""
        state = server.state_for(at.path)
        config = state.config if state is not None else None
        if config is None or state is None:
            return None
        items: list[types.CompletionItem] = []
        if (match := _IN_RULES.search(before)) is not None:
            written = {part.strip() for part in match.group(1).split(",")}
            for rule in config.rules:
                if rule.name not in written:
                    items.append(
                        types.CompletionItem(
                            label=rule.name,
                            kind=types.CompletionItemKind.EnumMember,
                            detail=f"{rule.kind} rule"
                            + (f", {format_adr_id(rule.adr)}" if rule.adr else ""),
                            documentation=rule.description or None,
                        )
                    )
            for name, (kind, _, description) in BUILTIN_RULES.items():
                if name not in written:
                    items.append(
                        types.CompletionItem(
                            label=name,
                            kind=types.CompletionItemKind.EnumMember,
                            detail=f"built-in {kind} check",
                            documentation=description,
                        )
                    )
        elif _AFTER_RULES.search(before) is not None and state.adrs is not None:
            for number, adr in sorted(state.adrs.adrs.items()):
                adr_id = format_adr_id(number)
                items.append(
                    types.CompletionItem(
                        label=adr_id,
                        kind=types.CompletionItemKind.Reference,
                        detail=f"{adr.title} ({describe_status(adr)})",
                        sort_text=f"{0 if adr.status == 'accepted' else 1}{adr_id}",
                        filter_text=adr_id,
                    )
                )
        else:
            return None
        return types.CompletionList(is_incomplete=False, items=items)
