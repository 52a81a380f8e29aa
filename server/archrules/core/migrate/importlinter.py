"""import-linter's configuration to ``archrules.toml``.

Read from ``.importlinter`` or ``setup.cfg`` (``[importlinter]``, ``[importlinter:contract:ID]``
sections, INI) or ``pyproject.toml`` (``[tool.importlinter]``, ``[[tool.importlinter.contracts]]``).

Mapping (ADR-0026):

* ``root_package(s)``: the source roots that hold them (``[project] roots``);
  ``exclude_type_checking_imports``: import-linter checks imports under ``if TYPE_CHECKING:``
  unless it is true, archrules ignores them unless told: ``type-checking-imports`` is
  ``"check"`` unless they are excluded. ``include_external_packages`` needs no key: an
  archrules ``forbidden`` rule names external packages as they are.
* layers: ``layers`` (``a | b`` independent siblings, a list; ``a : b`` siblings that may import
  each other, ``{ modules = [...], independent = false }``; ``(a)`` optional, listed in
  ``optional``), ``containers``, ``exhaustive``, ``exhaustive_ignores``; always indirect.
* forbidden: ``from``, ``to``, ``indirect = not allow_indirect_imports``.
* independence: ``independent``.
* protected: ``protected`` (``modules``, ``allow``).
* acyclic_siblings: an ``acyclic`` rule over the children of each ancestor.
* ``ignore_imports``: ``ignore-exact`` (the same matching: exact names, ``*`` one part, ``**``
  one or more); ``unmatched_ignore_imports_alerting``: archrules warns of an ``ignore-exact``
  entry that matches no import (``"none"``: ``warn-unmatched-ignores = false``).
* anything else is named in a ``# no equivalent:`` comment and in ``Migration.unmapped``.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path
from typing import Any

from archrules.core.files import read_text
from archrules.core.migrate.common import (
    Migration,
    MigrationError,
    Names,
    RuleOut,
    find_roots,
    render,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

CANDIDATES = (".importlinter", "setup.cfg", "pyproject.toml")

# the options of each contract type that are lists (INI: one per line)
_LISTS = {
    "layers": ("layers", "containers", "ignore_imports", "exhaustive_ignores"),
    "forbidden": ("source_modules", "forbidden_modules", "ignore_imports"),
    "independence": ("modules", "ignore_imports"),
    "protected": ("protected_modules", "allowed_importers", "ignore_imports"),
    "acyclic_siblings": ("ancestors", "skip_descendants", "ignore_imports"),
}
_KNOWN = {
    "layers": ("exhaustive", "unmatched_ignore_imports_alerting"),
    "forbidden": ("allow_indirect_imports", "as_packages", "unmatched_ignore_imports_alerting"),
    "independence": ("unmatched_ignore_imports_alerting",),
    "protected": ("as_packages", "unmatched_ignore_imports_alerting"),
    "acyclic_siblings": ("depth", "unmatched_ignore_imports_alerting"),
}
_COMMON = ("name", "type", "id", "broken_contract_guidance")


def find_config(root_dir: Path) -> Path:
    """The import-linter config at the project root, in import-linter's order."""
    for name in CANDIDATES:
        path = root_dir / name
        if path.is_file() and _read(path) is not None:
            return path
    raise MigrationError(
        f"no import-linter configuration in {root_dir}: looked for .importlinter, "
        "setup.cfg with [importlinter] and pyproject.toml with [tool.importlinter]"
    )


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(session options, contracts) of the file, None when it has no import-linter section."""
    try:
        text = read_text(path, "utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MigrationError(f"cannot read {path}: {error}") from error
    if path.suffix == ".toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise MigrationError(f"{path}: invalid TOML: {error}") from error
        table = document.get("tool", {}).get("importlinter")
        if not isinstance(table, dict):
            return None
        contracts = table.get("contracts", [])
        if not isinstance(contracts, list) or not all(isinstance(c, dict) for c in contracts):
            raise MigrationError(f"{path}: [tool.importlinter] contracts must be tables")
        session = {k: v for k, v in table.items() if k != "contracts"}
        return session, [dict(c) for c in contracts]
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, str(path))
    except configparser.Error as error:
        raise MigrationError(f"{path}: invalid INI: {error}") from error
    if not parser.has_section("importlinter"):
        return None
    session = dict(parser["importlinter"])
    contracts = []
    for section in parser.sections():
        if section.startswith("importlinter:contract:"):
            contract: dict[str, Any] = dict(parser[section])
            contract.setdefault("id", section.split(":", 2)[2])
            contracts.append(contract)
    return session, contracts


def _list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


def _bool(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def module_expr(text: str) -> str:
    """import-linter's ``**`` spans one or more parts, archrules' zero or more."""
    parts = text.strip().split(".")
    out: list[str] = []
    for part in parts:
        out += ["*", "**"] if part == "**" else [part]
    return ".".join(out)


def import_expr(text: str) -> str:
    left, _, right = text.partition("->")
    return f"{module_expr(left)} -> {module_expr(right)}"


def migrate(root_dir: Path, path: Path | None = None) -> Migration:
    source = find_config(root_dir) if path is None else path
    read = _read(source)
    if read is None:
        raise MigrationError(f"{source} has no import-linter configuration")
    session, contracts = read
    unmapped: list[str] = []
    notes: list[str] = []
    packages = _list(session.get("root_packages")) or _list(session.get("root_package"))
    if not packages:
        raise MigrationError(f"{source}: no root_package or root_packages")
    roots, missing = find_roots(root_dir, packages)
    if missing:
        notes.append(
            f"the package(s) {', '.join(missing)} were not found in the project's directory "
            "or two levels below it: check [project] roots"
        )
    project: list[tuple[str, object]] = [("roots", roots or ["."])]
    if not _bool(session.get("exclude_type_checking_imports"), False):
        project.append(("type-checking-imports", "check"))
    if session.get("contract_types"):
        unmapped.append(f"custom contract types ({', '.join(_list(session['contract_types']))})")
    for key in sorted(session):
        if key not in (
            "root_package",
            "root_packages",
            "include_external_packages",
            "exclude_type_checking_imports",
            "contract_types",
        ):
            unmapped.append(f"the option {key} = {session[key]!r}")
    names = Names()
    rules: list[RuleOut] = []
    for contract in contracts:
        rule = _contract(contract, names, unmapped)
        if rule is not None:
            rules.append(rule)
    return render("import-linter", source, project, rules, unmapped, notes)


def _contract(contract: dict[str, Any], names: Names, unmapped: list[str]) -> RuleOut | None:
    kind = str(contract.get("type", ""))
    title = str(contract.get("name") or contract.get("id") or kind)
    if kind not in _LISTS:
        unmapped.append(f"contract '{title}' of type {kind!r}")
        return None
    lists = {key: _list(contract.get(key)) for key in _LISTS[kind]}
    comments: list[str] = []

    def lost(what: str) -> None:
        unmapped.append(f"contract '{title}': {what}")
        comments.append(f"no equivalent: {what}")

    for key in sorted(contract):
        if key not in (*_COMMON, *_LISTS[kind], *_KNOWN[kind]):
            lost(f"the option {key} = {contract[key]!r}")
    if contract.get("broken_contract_guidance"):
        comments.append(f"guidance: {contract['broken_contract_guidance']}")
    rule = RuleOut("", names.unique(title), comments=comments)
    if kind == "layers":
        rule.kind = "layers"
        rule.items += _layers(lists["layers"])
        if lists["containers"]:
            rule.items.append(("containers", lists["containers"]))
        if _bool(contract.get("exhaustive"), False):
            rule.items.append(("exhaustive", True))
            if lists["exhaustive_ignores"]:
                rule.items.append(("exhaustive-ignores", lists["exhaustive_ignores"]))
    elif kind == "forbidden":
        rule.kind = "forbidden"
        as_packages = _bool(contract.get("as_packages"), True)
        if not as_packages:
            lost(
                "as_packages = false (archrules' 'from' and 'to' always include what is below "
                "each module)"
            )
        rule.items.append(("from", [module_expr(m) for m in lists["source_modules"]]))
        rule.items.append(("to", [module_expr(m) for m in lists["forbidden_modules"]]))
        rule.items.append(("indirect", not _bool(contract.get("allow_indirect_imports"), False)))
    elif kind == "independence":
        rule.kind = "independent"
        rule.items.append(("modules", [module_expr(m) for m in lists["modules"]]))
    elif kind == "protected":
        rule.kind = "protected"
        rule.items.append(("modules", [module_expr(m) for m in lists["protected_modules"]]))
        rule.items.append(("allow", [module_expr(m) for m in lists["allowed_importers"]]))
        if not _bool(contract.get("as_packages"), True):
            lost(
                "as_packages = false (archrules protects each module with what is below it, "
                "and allows each importer with what is below it)"
            )
    else:  # acyclic_siblings
        rule.kind = "acyclic"
        depth = int(str(contract.get("depth", "10")))
        rule.items.append(("modules", [f"{module_expr(a)}.*" for a in lists["ancestors"]]))
        if depth != 1:
            lost(
                f"depth = {depth}: archrules checks the cycles among the ancestors' children; "
                "the cycles among the children of their descendants are not checked"
            )
        if lists["skip_descendants"]:
            lost(f"skip_descendants = {lists['skip_descendants']}")
    if lists["ignore_imports"]:
        rule.items.append(("ignore-exact", [import_expr(e) for e in lists["ignore_imports"]]))
        alerting = str(contract.get("unmatched_ignore_imports_alerting", "error")).lower()
        if alerting == "none":
            rule.items.append(("warn-unmatched-ignores", False))
        elif alerting == "error":
            comments.append(
                "import-linter fails on an ignore that matches no import; archrules warns"
            )
    rule.items.insert(0, ("description", title))
    return rule


def _layers(raw: list[str]) -> list[tuple[str, object]]:
    layers: list[object] = []
    optional: list[str] = []
    for text in raw:
        independent = ":" not in text
        members: list[str] = []
        for item in text.replace(":", "|").split("|"):
            name = item.strip()
            if name.startswith("(") and name.endswith(")"):
                name = name[1:-1].strip()
                optional.append(name)
            members.append(name)
        if len(members) == 1:
            layers.append(members[0])
        elif independent:
            layers.append(members)
        else:
            layers.append({"modules": members, "independent": False})
    items: list[tuple[str, object]] = [("layers", layers)]
    if optional:
        items.append(("optional", optional))
    return items
