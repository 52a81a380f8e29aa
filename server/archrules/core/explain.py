"""What the rules say about one module: its layer or component and what it may import.

Plain data for adapters (hover on a module's first line, ``archrules.server.explainFile``)."""

from __future__ import annotations

from dataclasses import dataclass

from archrules.core.config import (
    AcyclicRule,
    ExternalRule,
    ForbiddenRule,
    IndependentRule,
    InterfaceRule,
    LayersRule,
    Rule,
)
from archrules.core.model import ProjectModel
from archrules.core.rules import LayersChecker


@dataclass(frozen=True)
class Role:
    """One rule's view of a module."""

    rule: Rule
    role: str  # "layer shop.domain (3 of 3)", "component shop.billing", ...
    may_import: tuple[str, ...] = ()
    may_not_import: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleExplanation:
    module: str
    layer: str | None  # the first layers rule's layer, for status bars
    roles: tuple[Role, ...]


def _layer_names(rule: LayersRule, indexes: range) -> tuple[str, ...]:
    return tuple(expr.text for i in indexes for expr in rule.layers[i])


def explain_module(model: ProjectModel, module: str) -> ModuleExplanation:
    roles: list[Role] = []
    layer: str | None = None
    for checker in model.checkers:
        rule = checker.rule
        role: Role | None = None
        if isinstance(rule, LayersRule) and isinstance(checker, LayersChecker):
            pos = checker.position(module)
            if pos is not None:
                count = len(rule.layers)
                siblings = tuple(
                    e.text for i, e in enumerate(rule.layers[pos.layer]) if i != pos.sibling
                )
                below = range(pos.layer + 1, pos.layer + 2 if rule.closed else count)
                where = f" in {pos.container}" if pos.container else ""
                role = Role(
                    rule,
                    f"layer {pos.name}{where} ({pos.layer + 1} of {count})",
                    _layer_names(rule, below),
                    _layer_names(rule, range(pos.layer)) + siblings,
                )
                layer = layer or pos.name
        elif isinstance(rule, ForbiddenRule):
            if any(e.matches(module) for e in rule.from_):
                role = Role(rule, "restricted", (), tuple(e.text for e in rule.to))
        elif isinstance(rule, IndependentRule):
            own = [e for e in rule.modules if e.matches(module)]
            if own:
                others = tuple(e.text for e in rule.modules if e not in own)
                role = Role(rule, f"component {own[0].text}", (), others)
        elif isinstance(rule, AcyclicRule):
            if any(e.matches(module) for e in rule.modules):
                role = Role(rule, "in an acyclic group: no import cycle through it")
        elif isinstance(rule, InterfaceRule) and rule.module is not None:
            exposed = tuple(e.text for e in rule.expose)
            if rule.module.matches(module):
                public = any(e.matches_exactly(module) for e in rule.expose)
                role = Role(
                    rule, f"{'public' if public else 'internal'} part of {rule.module.text}"
                )
            else:
                role = Role(
                    rule, f"outside {rule.module.text}: may use only its interface", exposed
                )
        elif isinstance(rule, ExternalRule):
            if any(e.matches(module) for e in rule.in_):
                role = Role(
                    rule, "limited third-party dependencies", ("the standard library", *rule.allow)
                )
        else:
            scope = getattr(rule, "in_", ())
            if any(e.matches(module) for e in scope):
                role = Role(rule, f"in the scope of this {rule.kind} convention")
        if role is not None:
            roles.append(role)
    return ModuleExplanation(module, layer, tuple(roles))
