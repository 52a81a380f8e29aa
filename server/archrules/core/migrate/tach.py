"""tach's ``tach.toml`` to ``archrules.toml``.

Mapping (ADR-0026). tach checks direct imports between declared modules (a module is its
path and what is below it, minus the modules declared below it):

* ``source_roots``: ``roots``; ``exclude``: ``exclude``; ``ignore_type_checking_imports``
  (tach's default: true): ``type-checking-imports``.
* ``layers`` and each module's ``layer``: one ``layers`` rule, direct only, each layer the
  modules assigned to it as siblings that may import each other (tach asks for a declared
  dependency inside a layer: the modules' rules below check it); a closed layer:
  ``closed`` when every layer is closed, else named.
* a module's ``depends_on`` (omitted: it may import any module): a ``forbidden`` rule, direct
  only, from the module to every other module it may not import: neither declared (globs
  allowed) nor a utility module nor in a lower layer (unless ``layers_explicit_depends_on``),
  nor in a higher one (the layers rule reports those); ``cannot_depend_on`` always.
* ``visibility``: a ``forbidden`` rule from the modules not listed to the module.
* ``forbid_circular_dependencies``: an ``acyclic`` rule over the modules.
* member-level ``interfaces``, ``exact``, ``root_module`` other than ``ignore``, ``[external]``,
  ``[rules]``, deprecated dependencies, ``unchecked`` modules: named, no equivalent.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archrules.core.expressions import glob_match
from archrules.core.files import read_text
from archrules.core.migrate.common import Migration, MigrationError, Names, RuleOut, render

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ROOT = "<root>"

_MAPPED = {
    "modules",
    "layers",
    "interfaces",
    "source_roots",
    "exclude",
    "ignore_type_checking_imports",
    "forbid_circular_dependencies",
    "layers_explicit_depends_on",
    "root_module",
    "respect_gitignore",
    "exact",
    "cache",
}


@dataclass
class _Module:
    path: str
    depends_on: list[str] | None
    cannot: list[str] = field(default_factory=list)
    layer: str | None = None
    utility: bool = False
    visibility: list[str] | None = None
    unchecked: bool = False


def find_config(root_dir: Path) -> Path:
    path = root_dir / "tach.toml"
    if not path.is_file():
        raise MigrationError(f"no tach.toml in {root_dir}")
    return path


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise MigrationError(f"{where} must be a list")
    out: list[str] = []
    for item in value:
        path = item.get("path") if isinstance(item, dict) else item
        if not isinstance(path, str):
            raise MigrationError(f"{where} must list module paths")
        out.append(path)
    return out


def _glob_match(pattern: str, module: str) -> bool:
    """tach's module globs: ``**`` any number of parts; in a part, ``*`` any characters
    (``shop.w*`` names ``shop.web``)."""
    pat, name = pattern.split("."), module.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(pat):
            return j == len(name)
        if pat[i] == "**":
            return any(match(i + 1, k) for k in range(j, len(name) + 1))
        return j < len(name) and glob_match(pat[i], name[j]) and match(i + 1, j + 1)

    return match(0, 0)


def migrate(root_dir: Path, path: Path | None = None) -> Migration:
    source = find_config(root_dir) if path is None else path
    try:
        document = tomllib.loads(read_text(source, "utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise MigrationError(f"cannot read {source}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise MigrationError(f"{source}: invalid TOML: {error}") from error
    unmapped: list[str] = []
    for key in sorted(document):
        if key not in _MAPPED:
            unmapped.append(f"[{key}]" if isinstance(document[key], dict) else key)
    if document.get("exact"):
        unmapped.append("exact = true (unused declared dependencies are not reported)")
    if document.get("root_module", "ignore") != "ignore":
        unmapped.append(
            f"root_module = {document['root_module']!r}: code in no module is not checked"
        )
    if document.get("respect_gitignore", True) is not True:
        unmapped.append("respect_gitignore (archrules always respects .gitignore)")
    if any(i.get("expose") for i in document.get("interfaces", []) if isinstance(i, dict)):
        unmapped.append(
            "interfaces: tach checks which names of a module others import; "
            "archrules' interface rule names modules, not members"
        )

    project: list[tuple[str, object]] = [
        ("roots", _strings(document.get("source_roots"), "source_roots") or ["."])
    ]
    if document.get("exclude"):
        project.append(("exclude", _strings(document["exclude"], "exclude")))
    if document.get("ignore_type_checking_imports", True) is False:
        project.append(("type-checking-imports", "check"))

    modules = _modules(document.get("modules", []), unmapped)
    layer_names: list[str] = []
    closed: list[str] = []
    for item in document.get("layers", []):
        if isinstance(item, dict):
            layer_names.append(str(item.get("name")))
            if item.get("closed"):
                closed.append(str(item.get("name")))
        else:
            layer_names.append(str(item))
    names = Names()
    rules: list[RuleOut] = []
    explicit = bool(document.get("layers_explicit_depends_on", False))
    rank = {name: i for i, name in enumerate(layer_names)}
    by_path = {m.path: m for m in modules}

    layers_rule = _layers_rule(modules, layer_names, closed, names, unmapped)
    if layers_rule is not None:
        rules.append(layers_rule)
    for module in modules:
        if module.unchecked:
            continue
        rule = _dependencies_rule(module, modules, rank, explicit, names)
        if rule is not None:
            rules.append(rule)
        if module.visibility is not None:
            others = [
                m.path
                for m in modules
                if m.path != module.path
                and not any(_glob_match(v, m.path) for v in module.visibility)
            ]
            if others:
                rules.append(
                    RuleOut(
                        "forbidden",
                        names.unique(f"{module.path}-visibility"),
                        [
                            (
                                "description",
                                f"tach: {module.path} is visible only to "
                                + ", ".join(module.visibility),
                            ),
                            ("from", others),
                            ("to", [module.path]),
                            ("indirect", False),
                        ],
                    )
                )
    if document.get("forbid_circular_dependencies") and by_path:
        rules.append(
            RuleOut(
                "acyclic",
                names.unique("no-circular-dependencies"),
                [
                    ("description", "tach: forbid_circular_dependencies"),
                    ("modules", sorted(p for p in by_path if p != ROOT)),
                ],
                [
                    "tach reports a cycle of declared dependencies; archrules a cycle of "
                    "imports among the modules"
                ],
            )
        )
    return render("tach", source, project, rules, unmapped)


def _modules(raw: Any, unmapped: list[str]) -> list[_Module]:
    if not isinstance(raw, list):
        raise MigrationError("modules must be an array of tables")
    modules: list[_Module] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise MigrationError("modules must be an array of tables")
        paths = _strings(entry.get("paths"), "paths") or _strings(entry.get("path"), "path")
        deps = entry.get("depends_on")
        depends = None if deps is None else _strings(deps, "depends_on")
        if isinstance(deps, list) and any(
            isinstance(d, dict) and d.get("deprecated") for d in deps
        ):
            unmapped.append("deprecated dependencies (allowed, without a warning)")
        visibility = entry.get("visibility")
        for path in paths:
            if path == ROOT or any(part in ("*", "**") for part in path.split(".")):
                unmapped.append(f"the module {path!r} (a root module or a glob of modules)")
                continue
            module = _Module(
                path,
                depends,
                _strings(entry.get("cannot_depend_on"), "cannot_depend_on"),
                entry.get("layer"),
                bool(entry.get("utility", False)),
                None if visibility is None else _strings(visibility, "visibility"),
                bool(entry.get("unchecked", False)),
            )
            if module.unchecked:
                unmapped.append(f"unchecked module {path} (archrules checks it with no rule)")
            modules.append(module)
    return modules


def _layers_rule(
    modules: list[_Module],
    layer_names: list[str],
    closed: list[str],
    names: Names,
    unmapped: list[str],
) -> RuleOut | None:
    layers: list[object] = []
    for layer in layer_names:
        members = [m.path for m in modules if m.layer == layer]
        if len(members) == 1:
            layers.append(members[0])
        elif members:
            layers.append({"modules": members, "independent": False})
    if len(layers) < 2:
        return None
    items: list[tuple[str, object]] = [
        ("description", "tach: " + " > ".join(layer_names)),
        ("layers", layers),
        ("indirect", False),
    ]
    # a module declared inside a layered one, in no layer itself: not in that layer
    layered = [m.path for m in modules if m.layer in layer_names]
    free = [
        m.path
        for m in modules
        if m.layer not in layer_names and any(_inside(m.path, p) for p in layered)
    ]
    if free:
        items.append(("ignore", [e for p in free for e in (f"{p} -> **", f"** -> {p}")]))
        items.append(("warn-unmatched-ignores", False))
    if closed and len(closed) == len(layer_names):
        items.append(("closed", True))
    elif closed:
        unmapped.append(f"closed layers {', '.join(closed)} (archrules closes all or none)")
    return RuleOut("layers", names.unique("layers"), items)


def _dependencies_rule(
    module: _Module,
    modules: list[_Module],
    rank: dict[str, int],
    explicit: bool,
    names: Names,
) -> RuleOut | None:
    if module.depends_on is None and not module.cannot:
        return None
    own = rank.get(module.layer) if module.layer is not None else None
    forbidden: list[str] = []
    for other in modules:
        if other.path == module.path or _inside(module.path, other.path):
            continue
        theirs = rank.get(other.layer) if other.layer is not None else None
        if any(_glob_match(c, other.path) for c in module.cannot):
            forbidden.append(other.path)
            continue
        if module.depends_on is None or other.utility:
            continue
        if any(_glob_match(d, other.path) for d in module.depends_on):
            continue
        if own is not None and theirs is not None:
            if theirs < own:
                continue  # a higher layer: the layers rule reports it
            if theirs > own and not explicit:
                continue  # a lower layer may be imported freely
        forbidden.append(other.path)
    if not forbidden:
        return None
    declared = ", ".join(module.depends_on or []) or "no other module"
    items: list[tuple[str, object]] = [
        ("description", f"tach: {module.path} depends on {declared}"),
        ("from", [module.path]),
        ("to", forbidden),
        ("indirect", False),
    ]
    ignore = [
        f"{m.path} -> **" for m in modules if _inside(m.path, module.path) and m.path != module.path
    ]
    ignore += [
        f"{module.path} -> {m.path}"
        for m in modules
        if m.path not in forbidden
        and m.path != module.path
        and any(_inside(m.path, f) for f in forbidden)
    ]
    if ignore:
        items.append(("ignore", ignore))
    return RuleOut("forbidden", names.unique(f"{module.path}-dependencies"), items)


def _inside(module: str, package: str) -> bool:
    return module.startswith(package + ".")
