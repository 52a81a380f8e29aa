"""Initialize, settings, workspace folders, file watching, shutdown, and exiting when the
client process dies."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from lsprotocol import types

from archrules.lsp.server import ArchrulesServer
from archrules.lsp.settings import SECTION, parse_settings

PARENT_POLL_SECONDS = 0.2  # exit within a second of the editor dying
WATCHED = (
    "**/*.py",
    "**/archrules.toml",
    "**/pyproject.toml",
    "**/*.md",
    "**/archrules-baseline.json",
)


def register(server: ArchrulesServer) -> None:
    @server.feature(types.INITIALIZE)
    @server.guard("initialize")
    def initialize(params: types.InitializeParams) -> None:
        encoding = server.workspace.position_encoding or types.PositionEncodingKind.Utf16
        server.encoding = getattr(encoding, "value", encoding)  # "utf-16", not the enum's name
        # Pull only where the server can ask for a new pull (refreshSupport): cross-file
        # findings (chains, cycles, the end of indexing) must reach documents the user is not
        # editing. A client that pulls but cannot be refreshed (Neovim 0.10+) gets pushed
        # diagnostics, and empty pull reports so that nothing is shown twice.
        text_caps = params.capabilities.text_document
        workspace_caps = params.capabilities.workspace
        server.pull = bool(
            text_caps
            and text_caps.diagnostic
            and workspace_caps
            and workspace_caps.diagnostics
            and workspace_caps.diagnostics.refresh_support
        )
        apply_settings(server, params.initialization_options)
        folders = [f.uri for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        server.initial_folders = folders
        server.log.write(
            "info",
            "initialize",
            client=params.client_info.name if params.client_info else None,
            encoding=str(server.encoding),
            pull=server.pull,
            folders=folders,
        )

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        # in the background: a didOpen that comes next is checked before the folders are
        # walked; the check at the end of indexing publishes what there is
        server.open_folders(folder_paths(server, server.initial_folders))
        if server.process_id and server.parent_task is None:
            server.parent_task = asyncio.get_running_loop().create_task(watch_parent(server))
        await register_watchers(server)
        await pull_settings(server)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if not await pull_settings(server) and params.settings is not None:
            apply_settings(server, params.settings)
        server.schedule_check()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @server.guard("workspace/didChangeWorkspaceFolders")
    def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            path = server.document_path(folder.uri)
            if path is not None:
                server.engine.remove_folder(path)
        server.open_folders(folder_paths(server, [f.uri for f in params.event.added]))
        server.schedule_check()

    @server.feature(types.SHUTDOWN)
    def shutdown(params: Any) -> None:
        server.log.write("info", "shutdown")
        for task in (server.index_task, server.parent_task):
            if task is not None:
                task.cancel()


def folder_paths(server: ArchrulesServer, uris: list[str]) -> list[Path]:
    paths = [server.document_path(uri) for uri in uris]
    return [path for path in paths if path is not None and path.is_dir()]


def add_folder(server: ArchrulesServer, path: Path, configs: list[Path]) -> None:
    """Open a folder's projects; ``configs``: the configs below it (walked in a thread)."""
    for state in server.engine.add_folder(path, configs):
        for problem in state.problems[:1]:
            server.show(
                f"archrules: {problem.path.name}:{problem.range.line + 1}: {problem.message}",
                types.MessageType.Warning,
            )


def apply_settings(server: ArchrulesServer, raw: Any) -> None:
    settings, problems = parse_settings(raw, server.settings)
    if settings != server.settings:
        server.settings_changed = True  # diagnostics change though findings do not
    server.settings = settings
    server.log.level = settings.log_level
    for problem in problems:
        server.show(f"archrules: {problem}", types.MessageType.Warning)


async def pull_settings(server: ArchrulesServer) -> bool:
    """Ask the client for the ``archrules`` section; False if it cannot answer."""
    caps = server.client_capabilities.workspace
    if not (caps and caps.configuration):
        return False
    try:
        result = await asyncio.wait_for(
            server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            timeout=5,
        )
    except Exception as error:
        server.log.write("warning", "configuration-failed", error=repr(error))
        return False
    if result:
        apply_settings(server, result[0])
        server.schedule_check()
    return True


async def register_watchers(server: ArchrulesServer) -> None:
    caps = server.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
    )
    registration = types.Registration(
        id="archrules-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await asyncio.wait_for(
            server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            ),
            timeout=5,
        )
    except Exception as error:
        server.log.write("warning", "watch-registration-failed", error=repr(error))


async def watch_parent(server: ArchrulesServer) -> None:
    """Exit when the editor that started us is gone (it may die without a shutdown)."""
    pid = server.process_id
    assert pid is not None
    while True:
        await asyncio.sleep(PARENT_POLL_SECONDS)
        if not parent_alive(pid, server.launched_by):
            server.log.write("info", "client-process-gone", pid=pid)
            os._exit(0)


def parent_alive(pid: int, launched_by: int) -> bool:
    """Whether process ``pid`` still runs. A dead process that its own parent has not reaped
    yet (a zombie) still answers ``kill(pid, 0)``: its state in /proc says Z. When ``pid``
    is the process that started us, being handed to another parent also means it died."""
    if pid == launched_by and os.getppid() != launched_by:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return _proc_state(pid) not in ("Z", "X")


def _proc_state(pid: int) -> str | None:
    """The state letter of /proc/PID/stat (Linux); None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text.rpartition(b")")[2].split()
    return fields[0].decode() if fields else None
