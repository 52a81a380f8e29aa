"""Running the CLI in-process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from archrules.cli.main import main


def run(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """``archrules ARGS`` run from ``cwd``: (exit status, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
