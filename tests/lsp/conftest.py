"""pytest-lsp fixtures: the real server in a subprocess, driven by a client that presents
the capabilities of real editors (VS Code, Neovim 0.7 and 0.11: push or pull diagnostics,
UTF-16 or UTF-8 positions), on a private copy of the example project."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.lsp.support import PROFILES, SHOP, capabilities_of, server_command


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=server_command()),
    params=PROFILES,
)
async def client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, project: Path, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    capabilities = capabilities_of(request.param)
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    lsp_client.project = project  # type: ignore[attr-defined]
    lsp_client.registrations = []  # type: ignore[attr-defined]
    lsp_client.applied_edits = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        lsp_client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")],
            initialization_options={"archrules": {"logLevel": "debug"}},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()
