"""Running import-linter, tach and archrules side by side on a project directory, for the
migration tests (``tests/test_migration_real.py`` on PyPI releases, ``tests/test_migrate.py``
on small trees): ``archrules init --from-... --write`` then ``archrules check --format
json`` (the CLI, in a subprocess), the original tool in a subprocess, and the comparison of
verdicts and violating direct imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import tomllib

import oracle_support as o

# runs in a subprocess whose PYTHONPATH holds the project's source roots
_RUN_IMPORT_LINTER = """
import dataclasses, json, sys
from importlinter.application import use_cases
from importlinter.configuration import configure
configure()
use_cases._register_built_in_contract_types()  # as lint_imports does
create_report, read_user_options = use_cases.create_report, use_cases.read_user_options
report = create_report(read_user_options(sys.argv[1]), cache_dir=None)
out = []
for contract, check in report.get_contracts_and_checks():
    out.append({"name": contract.name, "type": type(contract).__name__,
                "kept": check.kept, "metadata": check.metadata})
def plain(v):
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    if dataclasses.is_dataclass(v):
        return dataclasses.asdict(v)
    return repr(v)
json.dump(out, sys.stdout, default=plain)
"""


def archrules(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHRULES_CACHE_DIR": str(root.parent / "archrules-cache")}
    return subprocess.run(  # noqa: PLW1510 - the exit status is asserted
        [sys.executable, "-m", "archrules", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def migrate_and_check(root: Path, option: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the migrated config, archrules' violations as JSON)."""
    done = archrules(root, "init", option, "--write")
    assert done.returncode == 0, done.stderr
    config = tomllib.loads((root / "archrules.toml").read_text(encoding="utf-8"))
    checked = archrules(root, "check", "--no-cache", "--format", "json")
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert not [v for v in report["violations"] if v["kind"] == "config"], report
    return config, report["violations"]


def rules_by_description(config: dict[str, Any]) -> dict[str, str]:
    return {
        rule["description"]: rule["name"]
        for kind, rules in config.items()
        if kind not in ("project", "adr")
        for rule in rules
    }


def compare_import_linter(root: Path, config_name: str, project: str) -> list[tuple[str, bool]]:
    config, violations = migrate_and_check(root, f"--from-import-linter={config_name}")
    roots = [str((root / r).resolve()) for r in config["project"]["roots"]]
    packages = {p.name for r in roots for p in Path(r).iterdir()}

    def norm(module: str) -> str:  # external modules by their top-level package
        top = module.split(".", maxsplit=1)[0]
        return module if top in packages else top

    run = subprocess.run(  # noqa: PLW1510 - the exit status is asserted
        [sys.executable, "-c", _RUN_IMPORT_LINTER, config_name],
        cwd=root,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(roots)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    checks = json.loads(run.stdout)
    names = rules_by_description(config)
    assert len(checks) == len(names)
    compared = []
    for check in checks:
        rule = names[check["name"]]
        ours = [v for v in violations if v["rule"] == rule]
        verdict = (check["name"], not check["kept"])
        assert verdict == (check["name"], bool(ours)), (check["name"], ours[:5])
        kind = {"LayersContract": "layers", "IndependenceContract": "independence"}.get(
            check["type"], "forbidden"
        )
        direct = {(norm(v["chain"][0]), norm(v["chain"][1])) for v in ours if len(v["chain"]) == 2}
        if check["type"] in ("LayersContract", "IndependenceContract", "ForbiddenContract"):
            theirs = o.check_findings(kind, check["kept"], check["metadata"], norm)
            assert direct == theirs.direct, check["name"]
        elif check["type"] == "ProtectedContract":
            links = {
                (link["importer"], link["imported"])
                for found in check["metadata"]["illegal_imports"]
                for link in found["illegal_links"]
            }
            assert direct == links, check["name"]
        compared.append(verdict)
    print(f"\n{project} ({config_name}): {compared}")
    return compared


def _module_of(root: Path, source_roots: list[str], file_path: str) -> str:
    path = (root / file_path).resolve()
    for source_root in source_roots:
        base = (root / source_root).resolve()
        if base in path.parents:
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts)
    raise AssertionError(file_path)


def compare_tach(root: Path, project: str) -> set[tuple[str, str]]:
    """tach reports one error per imported name, on that name's line (``from a import (x,
    y)`` over three lines: two errors, lines 2 and 3); archrules one finding per import
    statement and module. So the violating imports are compared as (importer module,
    imported module) pairs."""
    config_name = "tach.toml"
    tach = shutil.which("tach", path=os.path.dirname(sys.executable))
    assert tach is not None
    run = subprocess.run(  # noqa: PLW1510 - the exit status is asserted
        [tach, "check", "--output", "json"], cwd=root, capture_output=True, text=True, timeout=600
    )
    assert run.returncode in (0, 1), run.stderr
    source_roots = tomllib.loads((root / config_name).read_text())["source_roots"]
    theirs = set()
    for error in json.loads(run.stdout):
        located = error["Located"]
        details = next(iter(located["details"]["Code"].values()))
        importer = _module_of(root, source_roots, located["file_path"])
        theirs.add((importer, details["definition_module"]))
    config, violations = migrate_and_check(root, "--from-tach")
    modules = sorted(
        {
            p
            for m in tomllib.loads((root / config_name).read_text()).get("modules", [])
            for p in (m.get("paths") or [m.get("path")])
        },
        key=len,
        reverse=True,
    )

    def declared(module: str) -> str:
        return next(m for m in modules if module == m or module.startswith(m + "."))

    # only the migrated rules: horde-sdk's PEP 695 syntax is a syntax-error warning on
    # Python < 3.12 (its imports are still read), not a rule's verdict
    rules = set(rules_by_description(config).values())
    ours = {(v["importer"], declared(v["imported"])) for v in violations if v["rule"] in rules}
    assert ours == theirs
    assert bool(ours) == (run.returncode == 1)
    print(f"\n{project}: {len(theirs)} violating imports, rules {sorted(rules)}")
    return theirs
