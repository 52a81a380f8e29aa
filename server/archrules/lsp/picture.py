"""``archrules.server.graph``: the architecture picture of a project as one self-contained HTML page
(the same ``core.picture`` and ``render.picture`` as ``archrules graph --format html``), for
the editor to show (VS Code: "archrules: Show architecture", in a webview)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archrules.core.workspace import ProjectState
from archrules.lsp.server import ArchrulesServer
from archrules.render.picture import render_html

GRAPH = "archrules.server.graph"


def _state(server: ArchrulesServer, path: Path | None) -> ProjectState | None:
    """The project governing a file, or the first one at or below a folder, or the first."""
    projects = server.engine.projects
    if path is not None:
        state = server.state_for(path)
        if state is not None:
            return state
        below = [p for p in sorted(projects) if p.parent == path or path in p.parents]
        if below:
            return projects[below[0]]
    else:
        server.flush()
    return projects[min(projects)] if projects else None


def register(server: ArchrulesServer) -> None:
    @server.command(GRAPH)
    @server.guard(GRAPH)
    def graph(*args: Any) -> dict[str, Any] | None:
        """Argument: a file or folder URI (or ``{"uri": ...}``); none: the first project.
        The picture holds the files read so far: ``indexing`` says it is not complete."""
        first = args[0] if args else None
        if isinstance(first, dict):
            first = first.get("uri")
        path = server.document_path(first) if isinstance(first, str) else None
        state = _state(server, path)
        picture = state.picture() if state is not None else None
        if state is None or picture is None:
            return None
        return {
            "config": str(state.config_path),
            "html": render_html(picture),
            "boxes": len(picture.boxes),
            "violations": picture.violation_count,
            "indexing": not state.finished,
        }
