"""The MCP server's tools: thin wrappers over ``core.context``, which runs the engine.

Each call opens the projects anew through a ``core.workspace.Workspace`` (with the facts
cache, a file's facts are reused when its size, mtime and inode are unchanged): an agent
writes files between two calls, and the answer must be that of ``archrules check`` on the
disk as it is now. A proposed text is an overlay of that workspace; no file is written."""

from __future__ import annotations

import os
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from archrules import __version__
from archrules.core.context import (
    ContextError,
    check_proposed,
    file_brief,
    import_verdict,
    index_all,
    module_brief,
    proposal_markdown,
    rules_markdown,
    usable,
)
from archrules.core.workspace import ProjectState, Workspace

INSTRUCTIONS = (
    "archrules checks this codebase against its declared architecture (archrules.toml; each "
    "rule cites an ADR). Before writing a Python file, call check_file with its full new "
    "text; before adding an import, explain_module says what a module may import and why."
)


class Tools:
    def __init__(self, root: Path, cache_dir: Path | None) -> None:
        self.root = root
        self.cache_dir = cache_dir

    def _path(self, path: str) -> Path:
        if not path.strip():
            raise ToolError("path is empty: give a file path, relative to the project root")
        return Path(os.path.abspath(self.root / path))

    def _workspace(self) -> Workspace:
        return Workspace(self.cache_dir)

    def check_file(self, path: str, text: str) -> str:
        target = self._path(path)
        if target.suffix != ".py":
            raise ToolError(f"{path}: archrules checks Python files (*.py)")
        try:
            state, proposal = check_proposed(self._workspace(), target, text)
        except ContextError as error:
            raise ToolError(str(error)) from error
        return proposal_markdown(state, proposal)

    def explain_module(self, module: str, imported: str | None = None) -> str:
        workspace = self._workspace()
        try:
            if module.endswith(".py") or "/" in module or os.sep in module:
                target = self._path(module)
                if not target.is_file():
                    raise ToolError(f"{module}: no such file")
                state, name, text = file_brief(workspace, target)
            else:
                state, name = self._project_of_module(workspace, module), module
                text = module_brief(state, module)
            if imported:
                text += "\n## May it import `" + imported + "`?\n\n"
                text += import_verdict(state, name, imported.strip()) + "\n"
        except ContextError as error:
            raise ToolError(str(error)) from error
        return text

    def _project_of_module(self, workspace: Workspace, module: str) -> ProjectState:
        states = [s for s in workspace.add_folder(self.root) if s.loaded]
        index_all(workspace)
        if not states:
            raise ToolError(f"no usable archrules project in {self.root}")
        known = [s for s in states if s.path_of(module)]
        first_party = [s for s in states if s.is_first_party(module)]
        found = known or first_party or (states if len(states) == 1 else [])
        if not found:
            raise ToolError(f"{module}: no archrules project in {self.root} has this module")
        return usable(found[0])

    def list_rules(self) -> str:
        workspace = self._workspace()
        states = workspace.add_folder(self.root)
        if not states:
            return f"No archrules project (archrules.toml) in {self.root}."
        parts = []
        for state in sorted(states, key=lambda s: s.config_path):
            try:
                where = state.root_dir.relative_to(self.root).as_posix()
            except ValueError:
                where = state.root_dir.as_posix()
            try:
                body = rules_markdown(usable(state))
            except ContextError as error:
                body = f"The config has errors: {error}"
            parts.append(f"## Project `{where or '.'}`\n\n{body}")
        return "\n\n".join(parts) + "\n"


def create_server(root: Path, cache_dir: Path | None) -> MCPServer:
    tools = Tools(root, cache_dir)
    server: MCPServer = MCPServer(
        "archrules", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )

    @server.tool()
    def check_file(path: str, text: str) -> str:
        """Check a Python file's proposed full text against the architecture rules before
        writing it (the file is not written). Returns the violations it would have, with
        their rules and the ADRs behind them, and new findings it would cause in other
        files (an import cycle, an indirect chain); or that it may be written.
        path: the file, relative to the project root (it may not exist yet)."""
        return tools.check_file(path, text)

    @server.tool()
    def explain_module(module: str, imported: str | None = None) -> str:
        """What a module may import and why: its layer, the modules it may and may not
        import under each rule, the ADR decisions behind them, its current findings.
        module: a dotted module name (shop.domain.order) or a file path.
        imported: optionally, a module it might import: says whether it may, and why."""
        return tools.explain_module(module, imported)

    @server.tool()
    def list_rules() -> str:
        """List the architecture rules of the project(s): what each says, its severity,
        its accepted exceptions, and the ADR decision that explains it."""
        return tools.list_rules()

    return server


def serve(root: Path, cache_dir: Path | None) -> None:
    create_server(root, cache_dir).run("stdio")
