"""`archrules context FILE`, `archrules context --write-agents` and the engine behind them
(`core.context`): a file's brief, the AGENTS.md section, a proposed text checked by the
same engine as `archrules check` without writing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archrules.core.context import (
    BEGIN,
    END,
    ContextError,
    check_proposed,
    proposal_markdown,
)
from archrules.core.project import open_project
from archrules.core.workspace import Workspace
from cli_support import run
from support import write_tree

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"

LAYERED = """\
[adr]
directory = "docs/adr"

[[layers]]
name = "layered"
adr = "ADR-0001"
description = "The web calls the domain, never the reverse."
layers = ["app.web", "app.domain"]

[[acyclic]]
name = "no-cycles"
modules = ["app.*"]
"""
ADR = """\
# Layered app

## Status

Accepted

## Decision

The web layer sits on top of the domain.
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


@pytest.fixture
def app(tmp_path: Path) -> Path:
    write_tree(
        tmp_path,
        {
            "archrules.toml": LAYERED,
            "docs/adr/0001-layered-app.md": ADR,
            "app/__init__.py": "",
            "app/web/__init__.py": "",
            "app/web/views.py": "from app.domain import model\n",
            "app/domain/__init__.py": "",
            "app/domain/model.py": "X = 1\n",
            "app/util/__init__.py": "",
            "app/util/a.py": "from app.util import b\n",
            "app/util/b.py": "",
            "app/web/not-a-module.py": "",
        },
    )
    return tmp_path


# --- archrules context FILE -----------------------------------------------------------


def test_context_of_a_file_names_its_layer_imports_rules_adrs_and_findings(
    shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["context", "src/shop/domain/cart.py"], shop, capsys, monkeypatch)
    assert code == 0, err
    assert out.startswith("# archrules: `src/shop/domain/cart.py`, module `shop.domain.cart`")
    assert "Layer: `shop.domain`." in out
    assert "- **`clean-architecture`** (layers, error): layer shop.domain (3 of 3)" in out
    assert "  - may not import: `shop.web`, `shop.cli`, `shop.services`" in out
    assert "  - may not import: `shop.data.db`, `sqlalchemy`, `sqlite3`, `requests`" in out
    assert "  - may import: the standard library, `attrs`" in out
    assert "### ADR-0002: Layered architecture" in out
    assert "> Chosen option: three layers" in out  # the decision, quoted from the ADR
    # the planted violation of examples/shop/README.md, with its line
    findings = out.split("## Findings in this file now", 1)[1]
    assert "- line 11, column " in findings and "**`clean-architecture`**" in findings


def test_context_of_a_module_no_rule_constrains(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (app / "archrules.toml").write_text(
        LAYERED.split("[[acyclic]]", maxsplit=1)[0], encoding="utf-8"
    )
    code, out, _ = run(["context", "app/util/a.py"], app, capsys, monkeypatch)
    assert code == 0
    assert "Layer: none." in out
    assert "No archrules rule constrains this module." in out
    assert "## Findings in this file now\n\nNone." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["context"], "give a FILE or --write-agents"),
        (["context", "app/web/views.py", "--write-agents"], "give a FILE or --write-agents"),
        (["context", "app/missing.py"], "app/missing.py: no such file"),
        (["context", "docs/adr/0001-layered-app.md"], "not a Python file"),
        (["context", "app/web/not-a-module.py"], "not a module checked by"),
    ],
)
def test_context_bad_input_is_one_line_and_exit_2(
    app: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run(args, app, capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert message in err and err.count("\n") == 1


def test_context_outside_any_project_and_with_a_broken_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"loose.py": "import os\n"})
    code, _, err = run(["context", "loose.py"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "no archrules.toml" in err
    code, _, err = run(["context", "--write-agents"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "governs the current directory" in err
    write_tree(tmp_path, {"archrules.toml": "[[layers]]\nname = 3\n"})
    code, _, err = run(["context", "loose.py"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "the config has errors (" in err and "archrules.toml:1:1: " in err
    assert not (tmp_path / "AGENTS.md").exists()


# --- archrules context --write-agents --------------------------------------------------


def test_write_agents_creates_then_is_idempotent(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert (code, out) == (0, "archrules: created AGENTS.md\n")
    text = (app / "AGENTS.md").read_text(encoding="utf-8")
    assert text.startswith(BEGIN + "\n") and text.endswith(END + "\n")
    assert (
        "- **`layered`** (layers, error): layers, top to bottom: `app.web` > `app.domain`" in text
    )
    assert "Why: ADR-0001: Layered app (accepted)." in text
    assert "> The web layer sits on top of the domain." in text
    assert "archrules context PATH" in text
    stat = (app / "AGENTS.md").stat()
    code, out, _ = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert (code, out) == (0, "archrules: unchanged: AGENTS.md\n")
    assert (app / "AGENTS.md").stat().st_mtime_ns == stat.st_mtime_ns  # not even rewritten
    assert not (app / ".github").exists()  # copilot instructions only when present


def test_write_agents_keeps_the_text_outside_the_markers_and_follows_the_rules(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = "# Agents\r\n\r\nUse tabs.\r\n\r\n"
    after = "\r\n## Testing\r\n\r\nRun pytest.\r\n"
    old_section = f"{BEGIN}\nstale rules\n{END}\n"
    (app / "AGENTS.md").write_bytes((before + old_section + after).encode())
    copilot = app / ".github" / "copilot-instructions.md"
    copilot.parent.mkdir()
    copilot.write_text("Prefer small functions.\n", encoding="utf-8")

    code, out, _ = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 0
    assert (
        out == "archrules: updated AGENTS.md\narchrules: updated .github/copilot-instructions.md\n"
    )
    data = (app / "AGENTS.md").read_bytes().decode()
    assert data.startswith(before) and data.endswith(after)  # byte for byte, CRLF kept
    assert "stale rules" not in data and "`layered`" in data
    instructions = copilot.read_text(encoding="utf-8")
    assert instructions.startswith("Prefer small functions.\n\n" + BEGIN)

    # a rule changes: the section follows, the rest does not move
    (app / "archrules.toml").write_text(
        LAYERED.replace('name = "no-cycles"', 'name = "no-loops"'), encoding="utf-8"
    )
    run(["context", "--write-agents"], app, capsys, monkeypatch)
    data = (app / "AGENTS.md").read_bytes().decode()
    assert "`no-loops`" in data and "`no-cycles`" not in data
    assert data.startswith(before) and data.endswith(after)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"intro\n{BEGIN}\nrules\n", 2),  # no end
        (f"{END}\n{BEGIN}\n", 1),  # reversed
        (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", 3),  # two sections
    ],
)
def test_write_agents_refuses_broken_markers(
    app: Path,
    text: str,
    line: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (app / "AGENTS.md").write_text(text, encoding="utf-8")
    code, _, err = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 2
    assert f"AGENTS.md:{line}: the archrules markers must be" in err
    assert (app / "AGENTS.md").read_text(encoding="utf-8") == text


def test_write_agents_cannot_read_or_write(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (app / "AGENTS.md").write_bytes(b"\xff\xfe not utf-8")
    code, _, err = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 2 and "AGENTS.md: cannot read it" in err
    (app / "AGENTS.md").unlink()
    (app / "AGENTS.md").mkdir()  # a directory where the file should be
    code, _, err = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 2 and "AGENTS.md: cannot read it" in err


def test_agents_section_for_a_project_without_rules_or_adrs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"archrules.toml": "[project]\n", "pkg/__init__.py": ""})
    code, _, _ = run(["context", "--write-agents"], tmp_path, capsys, monkeypatch)
    assert code == 0
    text = (tmp_path / "AGENTS.md").read_text(encoding="utf-8")
    assert "The config declares no rule." in text and "Decisions" not in text


def test_every_rule_of_the_shop_is_summarised(shop: Path) -> None:
    project = open_project(shop / "archrules.toml", cache_dir=None)
    assert project.config is not None
    summaries = {rule.name: rule.summary() for rule in project.config.rules}
    assert summaries["pure-core"] == (
        "`shop.domain`, `shop.services` must not import `shop.data.db`, `sqlalchemy`, "
        "`sqlite3`, `requests`"
    )
    assert (
        summaries["billing-api"]
        == "outside `shop.billing`, import only `shop.billing`, `shop.billing.api`"
    )
    assert summaries["domain-dependencies"].startswith(
        "in `shop.domain`, third-party imports are limited to `attrs`"
    )
    assert summaries["no-cycles"] == "no import cycle among `shop.*`"
    assert summaries["bounded-contexts"].startswith(
        "`shop.orders`, `shop.billing`, `shop.catalog` do not import each other"
    )
    for kind in ("naming", "size", "calls", "duplicates", "drift"):
        assert any(rule.kind == kind and summaries[rule.name] for rule in project.config.rules), (
            kind
        )
    assert summaries["repository-naming"] == (
        "naming in `shop.data.repositories.*`: classes `*Repository`; functions `snake_case`; "
        "must define `*Repository`"
    )
    assert all(summaries.values())


# --- a proposed text ---------------------------------------------------------------------


def test_a_proposed_text_is_checked_like_the_written_file_and_not_written(app: Path) -> None:
    target = app / "app" / "domain" / "model.py"
    proposed = "from app.web import views\n"
    state, proposal = check_proposed(Workspace(None), target, proposed)
    assert target.read_text(encoding="utf-8") == "X = 1\n"
    # the same findings as a fresh check of the tree with the text written
    target.write_text(proposed, encoding="utf-8")
    fresh = open_project(app / "archrules.toml", cache_dir=None).violations()
    assert list(proposal.findings) == sorted(
        (v for v in fresh if v.path == target), key=lambda v: v.sort_key()
    )
    assert [v.rule for v in proposal.findings] == ["layered", "no-cycles"]
    text = proposal_markdown(state, proposal)
    assert "## In `app/domain/model.py`" in text
    assert "why: ADR-0001: Layered app (accepted)" in text


def test_findings_a_proposed_text_causes_in_other_files(app: Path) -> None:
    """A new indirect chain is reported on the import in its first module: another file."""
    write_tree(app, {"app/domain/model.py": "from app.util import b\n"})
    before = set(open_project(app / "archrules.toml", cache_dir=None).violations())
    target = app / "app" / "util" / "b.py"
    state, proposal = check_proposed(Workspace(None), target, "import app.web\n")
    target.write_text("import app.web\n", encoding="utf-8")
    after = set(open_project(app / "archrules.toml", cache_dir=None).violations())
    assert set(proposal.findings) | set(proposal.elsewhere) == after - before
    assert ("layered", "model.py") in {(v.rule, v.path.name) for v in proposal.elsewhere}
    assert "## New in `app/domain/model.py`" in proposal_markdown(state, proposal)
    assert "  - chain: `app.domain.model` -> `app.util.b` -> `app.web`" in proposal_markdown(
        state, proposal
    )


def test_a_new_file_and_an_excluded_file(app: Path) -> None:
    workspace = Workspace(None)
    new = app / "app" / "domain" / "new.py"
    state, proposal = check_proposed(workspace, new, "import app.domain.model\n")
    assert not new.exists()
    assert proposal.module == "app.domain.new" and not proposal.findings
    assert "No violations: `app/domain/new.py`" in proposal_markdown(state, proposal)

    (app / "archrules.toml").write_text('[project]\nexclude = ["app/gen"]\n' + LAYERED)
    write_tree(app, {"app/gen/__init__.py": ""})
    state, proposal = check_proposed(Workspace(None), app / "app/gen/x.py", "import app.web\n")
    assert proposal.module is None
    assert "is not checked by archrules" in proposal_markdown(state, proposal)


def test_a_proposed_text_outside_any_project(tmp_path: Path) -> None:
    with pytest.raises(ContextError, match=r"no archrules\.toml"):
        check_proposed(Workspace(None), tmp_path / "x.py", "")


def test_superseded_and_missing_adrs_are_named(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    superseded = ADR.replace("Accepted", "Superseded by ADR-0002")
    write_tree(
        app,
        {
            "docs/adr/0001-layered-app.md": superseded,
            "docs/adr/0002-hexagonal-app.md": ADR.replace("Layered app", "Hexagonal app"),
            "archrules.toml": LAYERED.replace(
                'name = "no-cycles"', 'name = "no-cycles"\nadr = "ADR-0009"'
            ),
        },
    )
    code, out, err = run(["context", "app/web/views.py"], app, capsys, monkeypatch)
    assert code == 0, err
    assert "why: ADR-0001: Layered app (superseded by ADR-0002)" in out
    assert "Superseded by ADR-0002: Hexagonal app." in out
    assert "why: ADR-0009 (no such ADR file)" in out
    assert "### ADR-0009\n\nNo ADR file has this number." in out


def test_write_agents_from_a_subdirectory_and_a_failed_write(
    app: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (app / "AGENTS.md").write_text(f"{END}\n{END}\n", encoding="utf-8")
    code, _, err = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 2 and "AGENTS.md:2: the archrules markers" in err
    (app / "AGENTS.md").unlink()
    code, out, _ = run(["context", "--write-agents"], app / "app" / "web", capsys, monkeypatch)
    assert code == 0 and out == f"archrules: created {app / 'AGENTS.md'}\n"  # not below cwd

    def refuse(path: Path, text: str, *, overwrite: bool) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("archrules.core.context.write_atomic", refuse)
    (app / "AGENTS.md").write_text("mine\n", encoding="utf-8")
    code, _, err = run(["context", "--write-agents"], app, capsys, monkeypatch)
    assert code == 2 and "AGENTS.md: cannot write it (Permission denied)" in err
    assert (app / "AGENTS.md").read_text(encoding="utf-8") == "mine\n"
