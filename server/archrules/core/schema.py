"""The config's JSON Schema (``archrules schema``) and the rule reference (``docs/rules.md``),
both generated from the declarations the loader reads: ``config.PROJECT_FIELDS`` and
``ADR_FIELDS``, and each rule kind's ``FIELDS`` (``core.kinds``, ADR-0024)."""

from __future__ import annotations

import json
from typing import Any

from archrules.core.config import ADR_FIELDS, PROJECT_FIELDS
from archrules.core.expressions import NAME_STYLES
from archrules.core.kinds import RULE_CLASSES
from archrules.core.rule import Field, Rule
from archrules.core.types import SEVERITIES

_MODULE = {
    "type": "string",
    "description": "A module expression: a dotted module name; '*' matches one part, "
    "'**' any number of parts.",
}
_IMPORT = {
    "type": "string",
    "pattern": "^[^>]*->[^>]*$",
    "description": "An import expression: 'importer -> imported', module expressions.",
}
_NAME_PATTERN = {
    "anyOf": [
        {"enum": list(NAME_STYLES)},
        {"type": "string", "pattern": "^[A-Za-z0-9_*?]+$"},
    ]
}
# the keys every rule has
_COMMON: dict[str, dict[str, Any]] = {
    "name": {
        "type": "string",
        "description": "The rule's unique name: letters, digits, '-', '_' and '.'; it is the "
        "diagnostic code and is written in exception comments.",
    },
    "adr": {
        "type": "string",
        "pattern": "^[Aa][Dd][Rr]-[0-9]{1,6}$",
        "description": "The decision record behind the rule, such as ADR-0003.",
    },
    "severity": {"enum": list(SEVERITIES), "description": "How findings are reported."},
    "description": {"type": "string", "description": "Why the rule exists, in a sentence."},
}


def _value_schema(field: Field) -> dict[str, Any]:
    kind = field.type
    if kind == "modules":
        return {"type": "array", "items": _MODULE}
    if kind == "module":
        return dict(_MODULE)
    if kind in ("imports", "exact-imports"):
        return {"type": "array", "items": _IMPORT}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "count":
        return {"type": "integer", "minimum": 1}
    if kind == "pattern":
        return dict(_NAME_PATTERN)
    if kind == "layers":
        siblings = {"type": "array", "items": _MODULE, "minItems": 1}
        table = {
            "type": "object",
            "description": "A layer whose siblings may import each other when independent = false.",
            "properties": {"modules": siblings, "independent": {"type": "boolean"}},
            "required": ["modules"],
            "additionalProperties": False,
        }
        layer = {"anyOf": [_MODULE, siblings, table]}
        return {"type": "array", "items": layer, "minItems": 1}
    if kind == "string":
        return {"type": "string"}
    if kind == "choice":
        return {"enum": list(field.choices)}
    return {"type": "array", "items": {"type": "string"}}  # names, strings


def _property(field: Field, default: object) -> dict[str, Any]:
    schema = _value_schema(field)
    schema["description"] = field.doc
    if default is not None:
        schema["default"] = list(default) if isinstance(default, tuple) else default
    return schema


def _table(fields: tuple[Field, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {f.key: _property(f, f.default) for f in fields},
        "additionalProperties": False,
    }


def _rule_schema(cls: type[Rule]) -> dict[str, Any]:
    defaults = cls.defaults()
    properties = dict(_COMMON)
    properties["severity"] = {
        **_COMMON["severity"],
        "default": cls.DEFAULT_SEVERITY,
    }
    for field in cls.FIELDS:
        properties[field.key] = _property(field, defaults.get(field.key))
    schema: dict[str, Any] = {
        "type": "object",
        "description": cls.DOC,
        "properties": properties,
        "required": ["name", *(f.key for f in cls.FIELDS if f.required)],
        "additionalProperties": False,
    }
    if cls.AT_LEAST_ONE:
        schema["anyOf"] = [{"required": [key]} for key in cls.AT_LEAST_ONE]
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of ``archrules.toml`` and of ``[tool.archrules]``."""
    properties: dict[str, Any] = {
        "project": _table(PROJECT_FIELDS, "What the project is: its roots and what is left out."),
        "adr": _table(ADR_FIELDS, "Where the decision records are, and what they must cover."),
    }
    definitions: dict[str, Any] = {}
    for cls in RULE_CLASSES:
        definitions[cls.KIND] = _rule_schema(cls)
        properties[cls.KIND] = {
            "type": "array",
            "description": cls.DOC,
            "items": {"$ref": f"#/definitions/{cls.KIND}"},
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "archrules.toml",
        "description": "The architecture of a Python project, checked by archrules.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "definitions": definitions,
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2) + "\n"


# --- the rule reference ----------------------------------------------------------------

_TYPE_WORDS = {
    "modules": "array of module expressions",
    "module": "module expression",
    "imports": 'array of import expressions ("a -> b")',
    "exact-imports": 'array of import expressions ("a -> b") naming exact modules',
    "boolean": "boolean",
    "count": "integer >= 1",
    "names": "array of names",
    "pattern": f"name style ({', '.join(NAME_STYLES)}) or glob",
    "layers": "array of layers (a module expression, an array of siblings, or a table "
    "{ modules = [...], independent = false } of siblings that may import each other)",
    "string": "string",
    "strings": "array of strings",
    "choice": "one of",
}


def _type_text(field: Field) -> str:
    if field.type == "choice":
        return "one of " + ", ".join(f'"{c}"' for c in field.choices)
    return _TYPE_WORDS[field.type]


def _default_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _rows(fields: tuple[Field, ...], defaults: dict[str, object]) -> list[str]:
    rows = ["| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for field in fields:
        default = _default_text(defaults.get(field.key, field.default))
        required = "yes" if field.required else ""
        rows.append(
            f"| `{field.key}` | {_type_text(field)} | {required} | {default} | {field.doc} |"
        )
    return rows


def rule_reference() -> str:
    """``docs/rules.md``: every key of the config, from the same declarations."""
    lines = [
        "# Rule reference",
        "",
        "<!-- generated by `archrules schema --format markdown`: edit the declarations in",
        "     server/archrules/core/kinds/ and core/config.py, not this file -->",
        "",
        "Every rule is an array-of-tables entry (`[[layers]]`, `[[forbidden]]`, ...) in",
        "`archrules.toml`, or below `[tool.archrules]` in `pyproject.toml`. Every rule has",
        "these keys:",
        "",
        "| key | type | required | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for key, schema in _COMMON.items():
        required = "yes" if key == "name" else ""
        others = ", ".join(
            f'{cls.KIND}: "{cls.DEFAULT_SEVERITY}"'
            for cls in RULE_CLASSES
            if cls.DEFAULT_SEVERITY != "error"
        )
        default = f'"error" ({others})' if key == "severity" and others else ""
        default = default or ('"error"' if key == "severity" else "")
        kind = "one of " + ", ".join(f'"{s}"' for s in SEVERITIES) if key == "severity" else ""
        lines.append(
            f"| `{key}` | {kind or 'string'} | {required} | {default} | {schema['description']} |"
        )
    lines += ["", "## `[project]`", "", *_rows(PROJECT_FIELDS, {})]
    lines += ["", "## `[adr]`", "", *_rows(ADR_FIELDS, {})]
    for cls in RULE_CLASSES:
        lines += ["", f"## `[[{cls.KIND}]]`", "", cls.DOC, ""]
        lines += ["```toml", f"[[{cls.KIND}]]", f'name = "my-{cls.KIND}"']
        lines += [*cls.EXAMPLE.splitlines(), "```", ""]
        if cls.AT_LEAST_ONE:
            keys = ", ".join(f"`{key}`" for key in cls.AT_LEAST_ONE)
            lines += [f"Give at least one of {keys}.", ""]
        if cls.DEFAULT_SEVERITY != "error":
            lines += [f'Default severity: "{cls.DEFAULT_SEVERITY}".', ""]
        lines += _rows(cls.FIELDS, cls.defaults())
    return "\n".join(lines) + "\n"
