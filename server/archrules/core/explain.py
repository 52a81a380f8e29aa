"""What the rules say about one module: its layer or component and what it may import.

Plain data for adapters (hover on a module's first line, ``archrules.server.explainFile``)."""

from __future__ import annotations

from dataclasses import dataclass

from archrules.core.model import ProjectModel
from archrules.core.rule import Role

__all__ = ["ModuleExplanation", "Role", "explain_module"]


@dataclass(frozen=True)
class ModuleExplanation:
    module: str
    layer: str | None  # the first layers rule's layer, for status bars
    roles: tuple[Role, ...]


def explain_module(model: ProjectModel, module: str) -> ModuleExplanation:
    """Each import rule's view of ``module`` (``Rule.explain``, one per kind in
    ``core.kinds``); ``layer`` is the first layers rule's layer."""
    roles: list[Role] = []
    layer: str | None = None
    for checker in model.checkers:
        role = checker.rule.explain(module, checker)
        if role is None:
            continue
        roles.append(role)
        layer = layer or role.layer
    return ModuleExplanation(module, layer, tuple(roles))
