"""What the migrations share: the result, the TOML they write, rule names, source roots."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archrules.core.config import searched_directory, toml_value

_WIDTH = 96


class MigrationError(Exception):
    """The source configuration cannot be used (missing, unreadable, invalid)."""


@dataclass
class RuleOut:
    """One rule of the migrated config, in the order its keys are written."""

    kind: str
    name: str
    items: list[tuple[str, object]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # written above the rule

    def render(self) -> str:
        lines = [line for comment in self.comments for line in _comment(comment)]
        lines.append(f"[[{self.kind}]]")
        lines.append(f"name = {toml_value(self.name)}")
        lines += [f"{key} = {toml_value(value)}" for key, value in self.items]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Migration:
    source: Path  # the file read
    text: str  # the archrules.toml
    rules: int
    unmapped: tuple[str, ...]  # what has no equivalent, one sentence each
    notes: tuple[str, ...] = ()  # what to check by hand (a package not found)


def _comment(text: str) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = "#"
    for word in words:
        if len(current) + 1 + len(word) > _WIDTH and current != "#":
            lines.append(current)
            current = "#  "
        current += " " + word
    lines.append(current)
    return lines


def slug(name: str) -> str:
    """A rule name from a contract's name: ``Pipeline and IO`` -> ``pipeline-and-io``."""
    text = re.sub(r"[^A-Za-z0-9_.]+", "-", name.strip()).strip("-.").lower()
    return text or "rule"


class Names:
    """Unique rule names."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def unique(self, wanted: str) -> str:
        name, n = slug(wanted), 2
        while name in self._used:
            name = f"{slug(wanted)}-{n}"
            n += 1
        self._used.add(name)
        return name


def render(
    tool: str,
    source: Path,
    project: Sequence[tuple[str, object]],
    rules: Sequence[RuleOut],
    unmapped: Sequence[str],
    notes: Sequence[str] = (),
) -> Migration:
    head = [
        f"# archrules.toml migrated by `archrules init --from-{tool}` from {source.name}.",
        "# Each rule means what the original said; the original's name is the description.",
        '# Cite the decision that explains each rule (adr = "ADR-NNNN"), then run',
        "# `archrules check`.",
    ]
    for note in notes:
        head += _comment(f"note: {note}")
    for item in unmapped:
        head += _comment(f"no equivalent: {item}")
    parts = ["\n".join(head) + "\n"]
    parts.append("[project]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in project))
    parts += [rule.render() for rule in rules]
    return Migration(source, "\n".join(parts), len(rules), tuple(unmapped), tuple(notes))


def find_roots(root_dir: Path, packages: Sequence[str]) -> tuple[list[str], list[str]]:
    """The source roots (relative, ``/``-separated) holding the top-level packages, and the
    packages found in none. Looks at ``root_dir`` and up to two levels below it (``src``,
    ``code/src``), skipping hidden, build and virtual-environment directories."""
    roots: list[str] = []
    missing: list[str] = []
    for package in packages:
        top = package.split(".")[0]
        found = _find_package(root_dir, top)
        if found is None:
            missing.append(package)
        elif found not in roots:
            roots.append(found)
    return roots, missing


# besides what config.searched_directory skips: copies of packages, not their sources
_SKIP = frozenset({"build", "dist", "site-packages"})


def _find_package(root_dir: Path, top: str) -> str | None:
    level = [root_dir]
    for _ in range(3):
        for directory in level:
            if (directory / top / "__init__.py").is_file() or (directory / f"{top}.py").is_file():
                rel = os.path.relpath(directory, root_dir)
                return "." if rel == "." else Path(rel).as_posix()
        next_level: list[Path] = []
        for directory in level:
            try:
                children = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            for entry in children:
                if entry.name not in _SKIP and searched_directory(entry):
                    next_level.append(Path(entry.path))
        level = next_level
    return None
