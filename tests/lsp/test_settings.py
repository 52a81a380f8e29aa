"""Client settings (``lsp/settings.py``), in process: ``initializationOptions`` and
``workspace/configuration`` values, good ones kept, each bad one named and ignored."""

from __future__ import annotations

from typing import Any

import pytest

from archrules.lsp.settings import Settings, parse_settings


def test_settings_keep_good_values_and_name_each_bad_one() -> None:
    settings, problems = parse_settings(
        {
            "archrules": {
                "enable": "yes",
                "baseline": False,
                "logLevel": "DEBUG",
                "severity": {"layers": "Warning", "cycles": "loud"},
                "trace": "verbose",  # a client's own key: ignored silently
            }
        }
    )
    assert settings == Settings(
        enable=True, severity={"layers": "warning"}, baseline=False, log_level="debug"
    )
    assert problems == [
        "archrules.enable must be true or false",
        "archrules.severity.cycles must be one of error, warning, info, hint",
    ]
    assert parse_settings(None, settings) == (settings, [])
    assert parse_settings([1], settings)[1] == ["archrules settings must be an object, not list"]
    assert parse_settings({"severity": 3})[1] == [
        "archrules.severity must be an object: rule name -> severity"
    ]
    assert parse_settings({"logLevel": 3})[1] == [
        "archrules.logLevel must be one of error, warning, info, debug"
    ]


def test_nothing_sent_means_the_defaults() -> None:
    assert parse_settings(None) == (Settings(), [])
    assert parse_settings({}) == (Settings(), [])
    assert Settings() == Settings(enable=True, severity={}, baseline=True, log_level="info")


def test_the_section_may_come_wrapped_or_bare() -> None:
    """VS Code sends ``workspace/configuration`` for the section bare; Neovim users often
    write ``settings = {archrules = {...}}``: both mean the same."""
    bare = parse_settings({"enable": False, "severity": {"r": "hint"}})
    wrapped = parse_settings({"archrules": {"enable": False, "severity": {"r": "hint"}}})
    assert bare == wrapped == (Settings(enable=False, severity={"r": "hint"}), [])


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"enable": 1}, "archrules.enable must be true or false"),
        ({"enable": None}, "archrules.enable must be true or false"),
        ({"baseline": "false"}, "archrules.baseline must be true or false"),
        ({"logLevel": "verbose"}, "archrules.logLevel must be one of error, warning, info, debug"),
        (
            {"severity": ["r", "hint"]},
            "archrules.severity must be an object: rule name -> severity",
        ),
    ],
)
def test_a_bad_value_keeps_the_value_before_it(raw: dict[str, Any], problem: str) -> None:
    """A typo in the settings must not switch archrules off or reset what worked."""
    before = Settings(enable=False, severity={"r": "info"}, baseline=False, log_level="debug")
    assert parse_settings(raw, before) == (before, [problem])


@pytest.mark.parametrize("raw", ["archrules", 3, True, ["enable"]])
def test_settings_that_are_not_an_object_change_nothing(raw: object) -> None:
    before = Settings(log_level="error")
    settings, [problem] = parse_settings(raw, before)
    assert settings == before
    assert problem == f"archrules settings must be an object, not {type(raw).__name__}"


def test_a_new_severity_table_replaces_the_old_one_and_values_are_case_blind() -> None:
    before = Settings(severity={"old": "error"})
    settings, problems = parse_settings({"severity": {"new": "HINT", "x": "Info"}}, before)
    assert settings.severity == {"new": "hint", "x": "info"} and problems == []
    # unmentioned keys keep their values
    assert parse_settings({"logLevel": "Warning"}, before)[0] == Settings(
        severity={"old": "error"}, log_level="warning"
    )


@pytest.mark.parametrize("bad", [2, None, "loud", ["error"]])
def test_a_bad_severity_entry_is_ignored_and_the_good_ones_apply(bad: object) -> None:
    """The table replaces the previous one; an entry that is not a severity gives no override
    (the rule keeps its own severity) and is named."""
    before = Settings(severity={"r": "info"})
    settings, problems = parse_settings({"severity": {"r": bad, "s": "Error"}}, before)
    assert settings.severity == {"s": "error"}
    assert problems == ["archrules.severity.r must be one of error, warning, info, hint"]
