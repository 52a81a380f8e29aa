"""The configuration: ``archrules.toml`` or ``[tool.archrules]`` in ``pyproject.toml``.

The data model lives here; ``load_config`` reads and validates a config text and reports
every problem with the position of the offending key or value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.types import Kind, Range, Severity

CONFIG_NAMES = ("archrules.toml", "pyproject.toml")


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    range: Range
    message: str


@dataclass(frozen=True)
class Rule:
    name: str
    kind: Kind
    severity: Severity
    adr: int | None
    description: str
    range: Range  # the rule's `name` value (or its table header when it has no name)
    adr_range: Range | None


@dataclass(frozen=True)
class LayersRule(Rule):
    # top to bottom; each layer is a tuple of sibling expressions that may not import
    # each other (a plain string in the config is a layer of one)
    layers: tuple[tuple[ModuleExpr, ...], ...] = ()
    containers: tuple[ModuleExpr, ...] = ()
    closed: bool = False
    indirect: bool = True
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class ForbiddenRule(Rule):
    from_: tuple[ModuleExpr, ...] = ()
    to: tuple[ModuleExpr, ...] = ()
    indirect: bool = True
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class IndependentRule(Rule):
    modules: tuple[ModuleExpr, ...] = ()
    indirect: bool = True
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class AcyclicRule(Rule):
    modules: tuple[ModuleExpr, ...] = ()
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class InterfaceRule(Rule):
    module: ModuleExpr | None = None
    expose: tuple[ModuleExpr, ...] = ()  # exact modules; a trailing ".**" adds all below
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class ExternalRule(Rule):
    in_: tuple[ModuleExpr, ...] = ()
    allow: tuple[str, ...] = ()  # top-level import names of third-party packages
    ignore: tuple[ImportExpr, ...] = ()


@dataclass(frozen=True)
class NamingRule(Rule):
    in_: tuple[ModuleExpr, ...] = ()
    classes: str | None = None  # glob or one of NAME_STYLES
    functions: str | None = None
    modules: str | None = None
    must_define: str | None = None


@dataclass(frozen=True)
class SizeRule(Rule):
    in_: tuple[ModuleExpr, ...] = ()
    max_module_lines: int | None = None
    max_function_lines: int | None = None


@dataclass(frozen=True)
class CallsRule(Rule):
    in_: tuple[ModuleExpr, ...] = ()
    except_in: tuple[ModuleExpr, ...] = ()
    forbid: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicatesRule(Rule):
    in_: tuple[ModuleExpr, ...] = ()
    min_lines: int = 6


@dataclass(frozen=True)
class Config:
    path: Path  # the config file, absolute
    root_dir: Path  # its directory: paths in the config are relative to it
    text: str  # the file's text (positions refer to it)
    roots: tuple[Path, ...] = ()  # absolute; default: root_dir/src if it exists, else root_dir
    roots_range: Range | None = None
    exclude: tuple[str, ...] = ()  # gitignore-style globs, relative to root_dir
    type_checking_imports: Literal["ignore", "check"] = "ignore"
    adr_directory: Path | None = None  # absolute; None: discovered (see core.adr)
    adr_directory_range: Range | None = None
    require_for_exceptions: bool = False
    rules: tuple[Rule, ...] = field(default=())

    def rule(self, name: str) -> Rule | None:
        for rule in self.rules:
            if rule.name == name:
                return rule
        return None


@dataclass(frozen=True)
class ConfigResult:
    config: Config | None  # None when the file is unusable (bad TOML, no table, ...)
    problems: tuple[ConfigProblem, ...]


def load_config(path: Path, text: str | None = None) -> ConfigResult:
    """Read and validate a config file (``text`` overrides the file's content).

    Structural validation only: whether module expressions match modules and whether
    ``adr`` ids exist is checked by the project model, which knows the modules and ADRs.
    """
    raise NotImplementedError  # implemented by config loader work in progress
