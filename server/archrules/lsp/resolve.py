"""What an imported name really is, by jedi's static inference, never executing project
code: jedi parses source files; compiled extensions of the project are not loaded
(``load_unsafe_extensions=False``); and jedi runs inside the server's own interpreter
(``InterpreterEnvironment``). Left to itself, jedi would start the interpreter of the
virtualenv named by ``VIRTUAL_ENV`` (the project's, when the editor was started from it),
which runs that environment's ``.pth`` files and ``sitecustomize`` (SECURITY.md)."""

from __future__ import annotations

from pathlib import Path

import jedi  # type: ignore[import-untyped]

from archrules.core.types import Range
from archrules.core.workspace import ProjectState

_ENVIRONMENT: list[object] = []


def _environment() -> object:
    """jedi's environment for this very interpreter (made once: it is not cheap)."""
    if not _ENVIRONMENT:
        _ENVIRONMENT.append(jedi.InterpreterEnvironment())
    return _ENVIRONMENT[0]


def _word(line_text: str, col: int) -> tuple[int, int]:
    start = col
    while start > 0 and (line_text[start - 1].isalnum() or line_text[start - 1] == "_"):
        start -= 1
    end = col
    while end < len(line_text) and (line_text[end].isalnum() or line_text[end] == "_"):
        end += 1
    return start, end


def defining_module(
    state: ProjectState, path: Path, lines: list[str], line: int, col: int
) -> tuple[str, str, Range] | None:
    """(name, the module that defines it, the name's range) for an imported name at the
    position, or None when the position is not on an import or jedi finds nothing.
    ``lines``: the document as the engine sees it (``ArchrulesServer.lines_of``)."""
    config = state.config
    facts = state.facts(path)
    if config is None or facts is None:
        return None
    on_import = any(
        r is not None and r.line == line and r.col <= col <= r.end_col
        for fact in facts.imports
        for r in (fact.name_range, fact.module_range)
    )
    if not on_import:
        return None
    if line >= len(lines):
        return None
    start, end = _word(lines[line], col)
    if start == end:
        return None
    project = jedi.Project(
        path=str(config.root_dir),
        sys_path=[str(root) for root in config.roots],
        smart_sys_path=False,
        load_unsafe_extensions=False,
    )
    try:
        script = jedi.Script(
            code="\n".join(lines),
            path=str(path),
            project=project,
            environment=_environment(),
        )
        names = script.goto(line + 1, start, follow_imports=True)
    except Exception:  # jedi gives up on some inputs; a hover is not worth a crash
        return None
    for name in names:
        module_path = name.module_path
        module: str | None = None
        if module_path is not None:
            module = state.module_of(Path(module_path))
        module = module or name.module_name
        if module:
            return lines[line][start:end], module, Range(line, start, line, end)
    return None
