"""What a client may set (``initializationOptions`` and ``workspace/configuration``, section
``archrules``), with defaults that work when it sends nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archrules.core.types import SEVERITIES, Severity

SECTION = "archrules"
LOG_LEVELS = ("error", "warning", "info", "debug")


@dataclass(frozen=True)
class Settings:
    enable: bool = True
    severity: dict[str, Severity] = field(default_factory=dict)  # rule name -> override
    baseline: bool = True
    log_level: str = "info"


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from what a client sent, and a message for each value that was ignored.
    Unknown keys are ignored silently: clients send their own (``trace``, ``path``...)."""
    base = base or Settings()
    if raw is None:
        return base, []
    if not isinstance(raw, dict):
        return base, [f"archrules settings must be an object, not {type(raw).__name__}"]
    if isinstance(raw.get(SECTION), dict):  # {"archrules": {...}} as some clients send it
        raw = raw[SECTION]
    problems: list[str] = []
    enable, baseline, level = base.enable, base.baseline, base.log_level
    severity = dict(base.severity)
    if "enable" in raw:
        if isinstance(raw["enable"], bool):
            enable = raw["enable"]
        else:
            problems.append("archrules.enable must be true or false")
    if "baseline" in raw:
        if isinstance(raw["baseline"], bool):
            baseline = raw["baseline"]
        else:
            problems.append("archrules.baseline must be true or false")
    if "logLevel" in raw:
        value = raw["logLevel"]
        if isinstance(value, str) and value.lower() in LOG_LEVELS:
            level = value.lower()
        else:
            problems.append(f"archrules.logLevel must be one of {', '.join(LOG_LEVELS)}")
    if "severity" in raw:
        value = raw["severity"]
        if isinstance(value, dict):
            severity = {}
            for rule, sev in value.items():
                if isinstance(sev, str) and sev.lower() in SEVERITIES:
                    severity[str(rule)] = sev.lower()  # type: ignore[assignment]
                else:
                    problems.append(
                        f"archrules.severity.{rule} must be one of {', '.join(SEVERITIES)}"
                    )
        else:
            problems.append("archrules.severity must be an object: rule name -> severity")
    return Settings(enable, severity, baseline, level), problems
