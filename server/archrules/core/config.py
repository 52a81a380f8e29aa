"""The configuration: ``archrules.toml`` or ``[tool.archrules]`` in ``pyproject.toml``.

The data model lives here; ``load_config`` reads and validates a config text and reports
every problem with the position of the offending key or value.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, cast

from archrules.core.expressions import NAME_STYLES, ExpressionError, ImportExpr, ModuleExpr
from archrules.core.files import read_text
from archrules.core.ignore import IgnoreRules
from archrules.core.kinds import KINDS, RULE_KINDS
from archrules.core.rule import Field, Rule
from archrules.core.tomlpos import KeyPath, TomlPositions
from archrules.core.types import FILE_START, SEVERITIES, Range, Severity, parse_adr_id

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

CONFIG_NAMES = ("archrules.toml", "pyproject.toml")


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    range: Range
    message: str
    # "warning": the config works but checks nothing (``ConfigResult.warnings``)
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class Config:
    path: Path  # the config file, absolute
    root_dir: Path  # its directory: paths in the config are relative to it
    text: str  # the file's text (positions refer to it)
    roots: tuple[Path, ...] = ()  # absolute; default: root_dir/src if it exists, else root_dir
    roots_range: Range | None = None
    exclude: tuple[str, ...] = ()  # gitignore-style globs, relative to root_dir
    type_checking_imports: Literal["ignore", "check"] = "ignore"
    adr_directory: Path | None = None  # absolute; None: discovered (see core.adr)
    adr_directory_range: Range | None = None
    require_for_exceptions: bool = False
    rules: tuple[Rule, ...] = field(default=())

    def rule(self, name: str) -> Rule | None:
        for rule in self.rules:
            if rule.name == name:
                return rule
        return None


@dataclass(frozen=True)
class ConfigResult:
    config: Config | None  # None when the file is unusable (bad TOML, no table, ...)
    problems: tuple[ConfigProblem, ...]
    # not errors, but worth saying: a config or a rule that checks nothing
    warnings: tuple[ConfigProblem, ...] = ()


def load_config(path: Path, text: str | None = None) -> ConfigResult:
    """Read and validate a config file (``text`` overrides the file's content).

    Structural validation only: whether module expressions match modules and whether
    ``adr`` ids exist is checked by the project model, which knows the modules and ADRs.

    Every problem is collected, each with the range of the offending key or value. A rule
    with a problem is left out of ``Config.rules``; the rest of the config stays usable.
    """
    path = Path(os.path.abspath(path))
    if text is None:
        try:
            text = read_text(path, "utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            return _unusable(path, FILE_START, f"cannot read the config: {error}")
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _unusable(path, *_syntax_error(str(error), text))
    except RecursionError:
        return _unusable(path, FILE_START, "invalid TOML: arrays or tables nested too deeply")

    if path.name == "pyproject.toml":
        positions = TomlPositions(text, PYPROJECT_PREFIX)
        tool = document.get("tool")
        table = tool.get("archrules") if isinstance(tool, dict) else None
        if table is None:
            return _unusable(path, FILE_START, "no [tool.archrules] table")
        if not isinstance(table, dict):
            message = f"'tool.archrules' must be a table, not {_type_name(table)}"
            return _unusable(path, positions.key_range(()), message)
        loader = _Loader(path, text, positions, "tool.archrules.")
    else:
        table = document
        positions = TomlPositions(text)
        loader = _Loader(path, text, positions, "")
    config = loader.load(table)
    problems = sorted(loader.problems, key=lambda p: (p.range, p.message))
    return ConfigResult(config, tuple(problems), tuple(_checks_nothing(config, table, positions)))


def _checks_nothing(
    config: Config, table: Mapping[str, object], positions: TomlPositions
) -> Iterable[ConfigProblem]:
    """Warnings for a config that checks nothing: no rule at all, or a rule that cannot
    find anything whatever the code (one layer, no modules). A silent pass would mislead."""
    if not any(kind in table for kind in RULE_KINDS):
        where = "this file" if config.path.name != "pyproject.toml" else "[tool.archrules]"
        yield ConfigProblem(
            config.path,
            positions.key_range(()) if config.path.name == "pyproject.toml" else FILE_START,
            f"{where} declares no rules: archrules checks nothing "
            f"(add rules such as [[layers]], [[forbidden]] or [[acyclic]])",
            "warning",
        )
    for rule in config.rules:
        message = rule.checks_nothing()
        if message is not None:
            yield ConfigProblem(config.path, rule.range, f"rule {rule.name} {message}", "warning")


def _is_file(path: Path) -> bool:
    """``Path.is_file`` that never raises: a place it cannot search holds no config."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):  # pragma: no cover - isfile catches these itself
        return False


def find_config(start: Path) -> Path | None:
    """The config governing ``start`` (a file or a directory): walk up to the nearest
    ``archrules.toml``, or ``pyproject.toml`` with a ``[tool.archrules]`` table (in one
    directory, ``archrules.toml`` wins). The result is absolute."""
    current = Path(os.path.abspath(start))
    if not os.path.isdir(current):
        current = current.parent
    for directory in (current, *current.parents):
        config = _config_in(directory)
        if config is not None:
            return config
    return None


_SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class ConfigScan:
    """The configs in a tree (sorted), and those left out: each with the reason, for a
    person (excluded by an enclosing config's ``exclude``, a directory it cannot read)."""

    found: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...]


def scan_configs(directory: Path, seen: list[str] | None = None) -> ConfigScan:
    """Every config in the tree rooted at ``directory`` (its own included).

    Skips VCS, virtual environment, cache and hidden directories; symlinked directories
    are not followed (no loops). A directory that the ``exclude`` of a config above it
    (found in this walk) matches is left out with everything below it, nested configs
    included: ``exclude = ["examples"]`` keeps the examples' own configs from being
    checked. Directories that cannot be read are skipped and reported, never raised.
    ``seen``, if given, receives every directory listed and config read (for snapshots).
    """
    root = Path(os.path.abspath(directory))
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    # each directory to visit with the excludes of the configs above it
    pending: list[tuple[Path, tuple[tuple[Path, IgnoreRules], ...]]] = [(root, ())]
    while pending:
        current, excludes = pending.pop()
        if seen is not None:
            seen.append(str(current))  # a config added or removed changes its listing
            pyproject = os.path.join(current, "pyproject.toml")
            if os.path.isfile(pyproject):
                seen.append(pyproject)  # its text decides
        config = _config_in(current)
        if config is not None:
            if seen is not None:
                seen.append(str(config))  # its exclude patterns decide
            found.append(config)
            own = _exclude_rules(config)
            if own is not None:
                excludes = (*excludes, (config, own))
        try:
            with os.scandir(current) as entries:
                children = [entry for entry in entries if searched_directory(entry)]
        except OSError as error:
            skipped.append((current, f"cannot read directory: {error.strerror or error}"))
            continue
        for entry in children:
            path = Path(entry.path)
            by = _excluded_by(path, excludes)
            if by is None:
                pending.append((path, excludes))
            else:
                reason = f"excluded by the 'exclude' pattern '{by[1]}' of {by[0]}"
                skipped.extend((nested, reason) for nested in find_configs_below(path, seen))
    skipped.sort()
    return ConfigScan(tuple(sorted(found)), tuple(skipped))


def find_configs_below(directory: Path, seen: list[str] | None = None) -> list[Path]:
    """Every config in the tree rooted at ``directory`` that is checked (``scan_configs``),
    sorted. For a monorepo root without a config of its own."""
    return list(scan_configs(directory, seen).found)


def _exclude_rules(config_path: Path) -> IgnoreRules | None:
    result = load_config(config_path)
    if result.config is None or not result.config.exclude:
        return None
    return IgnoreRules.from_lines(result.config.exclude, result.config.root_dir)


def _excluded_by(
    path: Path, excludes: Sequence[tuple[Path, IgnoreRules]]
) -> tuple[Path, str] | None:
    """The config, and its ``exclude`` pattern, that leaves out the directory, if any (the
    nearest config that has a matching pattern decides, as for its own files)."""
    for config, rules in reversed(excludes):
        pattern = rules.last_match_relative(path.relative_to(rules.base).as_posix(), True)
        if pattern is not None:
            return None if pattern.negated else (config, pattern.text)
    return None


def searched_directory(entry: os.DirEntry[str]) -> bool:
    """A directory a search for configs or packages looks into: not hidden, not a VCS,
    cache or virtual environment directory, not a symlink."""
    if entry.name in _SKIPPED_DIRS or entry.name.startswith("."):
        return False
    try:
        if not entry.is_dir(follow_symlinks=False):
            return False
    except OSError:  # pragma: no cover - racing deletion
        return False
    return not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


def _config_in(directory: Path) -> Path | None:
    candidate = directory / "archrules.toml"
    if _is_file(candidate):
        return candidate
    candidate = directory / "pyproject.toml"
    if _is_file(candidate) and _declares_archrules(candidate):
        return candidate
    return None


# a [tool.archrules] header (or one below it), for a pyproject.toml that does not parse
_ARCHRULES_HEADER = re.compile(
    r"""^[ \t]*\[\[?[ \t]*tool[ \t]*\.[ \t]*(?:archrules|"archrules"|'archrules')[ \t]*[].]""",
    re.MULTILINE,
)


def _declares_archrules(pyproject: Path) -> bool:
    try:
        text = read_text(pyproject, "utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        # still ours: load_config will report the syntax error
        return _ARCHRULES_HEADER.search(text) is not None
    tool = document.get("tool")
    return isinstance(tool, dict) and "archrules" in tool


def toml_value(value: object) -> str:
    """A value written as the config's TOML: strings, booleans, numbers, arrays, inline
    tables (for ``archrules init`` and the migrations)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    return str(value)


# --- Loading ---------------------------------------------------------------------------

PYPROJECT_PREFIX: KeyPath = ("tool", "archrules")


# the keys of [project] and [adr]: the loader reads them itself (below); these
# declarations give the allowed keys and the JSON Schema (``core.schema``)
PROJECT_FIELDS: tuple[Field, ...] = (
    Field(
        "roots",
        "roots",
        "strings",
        "The directories holding the top-level packages, relative to this file "
        "(default: src if it exists, else this file's directory).",
    ),
    Field(
        "exclude",
        "exclude",
        "strings",
        "Files and directories left out, as .gitignore patterns relative to this file; "
        "excluded modules still resolve imports.",
    ),
    Field(
        "type-checking-imports",
        "type_checking_imports",
        "choice",
        "Whether imports under `if TYPE_CHECKING:` are checked.",
        choices=("ignore", "check"),
        default="ignore",
    ),
)
ADR_FIELDS: tuple[Field, ...] = (
    Field(
        "directory",
        "adr_directory",
        "string",
        "Where the ADRs are, relative to this file (default: found, such as docs/adr).",
    ),
    Field(
        "require-for-exceptions",
        "require_for_exceptions",
        "boolean",
        "Every inline exception must cite an ADR.",
        default=False,
    ),
)
_TOP_KEYS = ("project", "adr", *RULE_KINDS)
_PROJECT_KEYS = tuple(declared.key for declared in PROJECT_FIELDS)
_ADR_KEYS = tuple(declared.key for declared in ADR_FIELDS)
_COMMON_KEYS = ("name", "adr", "severity", "description")

_RULE_NAME = re.compile(r"[\w.-]+")
_NAME_GLOB = re.compile(r"[A-Za-z0-9_*?]+")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _unusable(path: Path, range_: Range, message: str) -> ConfigResult:
    return ConfigResult(None, (ConfigProblem(path, range_, message),))


def _syntax_error(message: str, text: str) -> tuple[Range, str]:
    """The position and message of a ``tomllib`` error ("... (at line L, column C)")."""
    match = _AT_LINE.search(message)
    if match:
        line, col = int(match.group(1)) - 1, int(match.group(2)) - 1
        return Range.point(line, col), f"invalid TOML: {message[: match.start()]}"
    match = _AT_END.search(message)
    if match:
        last_line_start = text.rfind("\n") + 1
        end = Range.point(text.count("\n"), len(text) - last_line_start)
        return end, f"invalid TOML: {message[: match.start()]} (at the end of the file)"
    return FILE_START, f"invalid TOML: {message}"


def _type_name(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, list):
        return "an array"
    return "a table"


def _style_key(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def _looks_like_style(text: str) -> bool:
    """A word with no wildcard that names a case style ("pascalcase", "camelCase"): meant as
    a style, never as a glob matching that one name."""
    return "*" not in text and "?" not in text and _style_key(text).endswith("case")


def _style_meant(text: str) -> str | None:
    keys = {_style_key(style): style for style in NAME_STYLES}
    close = difflib.get_close_matches(_style_key(text), list(keys), n=1, cutoff=0.75)
    return keys[close[0]] if close else None


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


class _Loader:
    def __init__(self, path: Path, text: str, positions: TomlPositions, prefix: str) -> None:
        self.path = path
        self.root_dir = path.parent
        self.text = text
        self.positions = positions
        self.prefix = prefix  # "tool.archrules." in pyproject.toml: used in table labels
        self.problems: list[ConfigProblem] = []
        self.rule_names: dict[str, tuple[str, Range]] = {}  # name -> kind, name's range

    def problem(self, range_: Range, message: str) -> None:
        self.problems.append(ConfigProblem(self.path, range_, message))

    def resolve(self, text: str) -> Path:
        return Path(os.path.normpath(self.root_dir / text))

    def parse_module(self, text: str, range_: Range) -> ModuleExpr | None:
        try:
            return ModuleExpr.parse(text, range_)
        except ExpressionError as error:
            self.problem(range_, str(error))
            return None

    def parse_import(self, text: str, range_: Range, exact: bool = False) -> ImportExpr | None:
        try:
            return ImportExpr.parse(text, range_, exact)
        except ExpressionError as error:
            self.problem(range_, str(error))
            return None

    # --- the file ----------------------------------------------------------------------

    def load(self, data: Mapping[str, object]) -> Config:
        where = f"in [{self.prefix[:-1]}]" if self.prefix else "at the top level"
        top = _Section(self, data, (), where, _TOP_KEYS)
        project = top.table("project", f"in [{self.prefix}project]", _PROJECT_KEYS)
        adr = top.table("adr", f"in [{self.prefix}adr]", _ADR_KEYS)

        roots: tuple[Path, ...] = ()
        roots_range: Range | None = None
        exclude: tuple[str, ...] = ()
        type_checking: Literal["ignore", "check"] = "ignore"
        if project is not None:
            roots, roots_range = self._roots(project)
            exclude = tuple(text for text, _ in project.strings("exclude"))
            type_checking = self._type_checking(project)
        if not roots:
            src = self.root_dir / "src"
            roots = (src,) if os.path.isdir(src) else (self.root_dir,)

        adr_directory: Path | None = None
        adr_directory_range: Range | None = None
        require = False
        if adr is not None:
            directory = adr.string("directory")
            if directory is not None:
                adr_directory = self.resolve(directory)
                adr_directory_range = adr.value_range("directory")
            require = adr.boolean("require-for-exceptions", False)

        return Config(
            path=self.path,
            root_dir=self.root_dir,
            text=self.text,
            roots=roots,
            roots_range=roots_range,
            exclude=exclude,
            type_checking_imports=type_checking,
            adr_directory=adr_directory,
            adr_directory_range=adr_directory_range,
            require_for_exceptions=require,
            rules=self._rules(top),
        )

    def _roots(self, project: _Section) -> tuple[tuple[Path, ...], Range | None]:
        value = project.data.get("roots")
        if value is None:
            return (), None
        range_ = project.value_range("roots")
        if value == []:
            self.problem(range_, "'roots' must name at least one directory")
        return tuple(self.resolve(text) for text, _ in project.strings("roots")), range_

    def _type_checking(self, project: _Section) -> Literal["ignore", "check"]:
        text = project.choice("type-checking-imports", ("ignore", "check"))
        return "check" if text == "check" else "ignore"

    # --- rules -------------------------------------------------------------------------

    def _rules(self, top: _Section) -> tuple[Rule, ...]:
        found: list[tuple[Range, int, int, Mapping[str, object]]] = []
        for order, kind in enumerate(RULE_KINDS):
            value = top.data.get(kind)
            if value is None:
                continue
            if not isinstance(value, list):
                expected = f"an array of tables ([[{self.prefix}{kind}]])"
                top.wrong_type((kind,), f"'{kind}'", expected, value)
                continue
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    found.append((top.value_range(kind, index), order, index, item))
                else:
                    top.wrong_type((kind, index), f"each entry of '{kind}'", "a table", item)
        # in file order, so that "the second one" of a duplicate name is the later one
        found.sort(key=lambda entry: entry[:3])
        rules: list[Rule] = []
        for _, order, index, item in found:
            before = len(self.problems)
            rule = self._rule(RULE_KINDS[order], index, item)
            if rule is not None and len(self.problems) == before:
                rules.append(rule)
        return tuple(rules)

    def _rule(self, kind: str, index: int, data: Mapping[str, object]) -> Rule | None:
        cls = KINDS[kind]
        label = f"[[{self.prefix}{kind}]]"
        allowed = (*_COMMON_KEYS, *(declared.key for declared in cls.FIELDS))
        section = _Section(self, data, (kind, index), f"in {label}", allowed)
        header = section.value_range()
        name = section.string("name")
        range_ = header if name is None else section.value_range("name")
        if "name" not in data:
            self.problem(
                header,
                f"{label} rule has no 'name': every rule needs a unique name"
                " (it is the diagnostic code)",
            )
        elif name is not None:
            self._check_name(name, range_, kind)
        what = f"{label} rule '{name}'" if name else f"{label} rule"
        for declared in cls.FIELDS:
            if declared.required and declared.key not in data:
                self.problem(range_, f"{what} is missing the required key '{declared.key}'")
        alternatives = cls.AT_LEAST_ONE
        if alternatives and not any(key in data for key in alternatives):
            self.problem(range_, f"{what} needs at least one of {_quoted(alternatives)}")

        adr, adr_range = self._adr(section)
        values: dict[str, object] = {}
        for declared in cls.FIELDS:
            if declared.key not in data or (value := section.read(declared)) is None:
                continue
            if declared.type == "layers":  # the layers, and those whose siblings are open
                value, values["open_layers"] = cast("tuple[object, object]", value)
            if declared.attr in values:  # ignore and ignore-exact fill one tuple
                value = cast("tuple[object, ...]", values[declared.attr]) + cast(
                    "tuple[object, ...]", value
                )
            values[declared.attr] = value
        rule = cls(
            name or "",
            kind,
            self._severity(section, cls.DEFAULT_SEVERITY),
            adr,
            section.string("description") or "",
            range_,
            adr_range,
            **values,
        )
        rule.validate(self.problem)
        return rule if name else None

    def _check_name(self, name: str, range_: Range, kind: str) -> None:
        if not _RULE_NAME.fullmatch(name):
            self.problem(
                range_,
                f"rule name '{name}' must be non-empty and made of letters, digits,"
                " '-', '_' and '.' (it is written in exception comments)",
            )
            return
        first = self.rule_names.get(name)
        if first is None:
            self.rule_names[name] = (kind, range_)
            return
        first_kind, first_range = first
        self.problem(
            range_,
            f"duplicate rule name '{name}': already used by the [[{self.prefix}{first_kind}]]"
            f" rule on line {first_range.line + 1}",
        )

    def _severity(self, section: _Section, default: Severity) -> Severity:
        text = section.string("severity")
        if text is None:
            return default
        for severity in SEVERITIES:
            if text == severity:
                return severity
        self.problem(
            section.value_range("severity"),
            f"'{text}' is not a severity{_did_you_mean(text, SEVERITIES)};"
            f" expected one of: {', '.join(SEVERITIES)}",
        )
        return default

    def _adr(self, section: _Section) -> tuple[int | None, Range | None]:
        text = section.string("adr")
        if text is None:
            return None, None
        range_ = section.value_range("adr")
        number = parse_adr_id(text)
        if number is None:
            self.problem(
                range_, f"'{text}' is not an ADR id: expected ADR-<digits>, such as ADR-0012"
            )
        return number, range_


class _Section:
    """A table of the config: reads typed values, reports wrong types and unknown keys."""

    def __init__(
        self,
        loader: _Loader,
        data: Mapping[str, object],
        path: KeyPath,
        where: str,
        allowed: Sequence[str],
    ) -> None:
        """``where`` names the table in messages: "in [project]", "at the top level"."""
        self.loader = loader
        self.data = data
        self.path = path
        for key in data:
            if key not in allowed:
                loader.problem(
                    self.key_range(key),
                    f"unknown key '{key}' {where}{_did_you_mean(key, allowed)};"
                    f" allowed keys: {', '.join(allowed)}",
                )

    def key_range(self, *keys: str | int) -> Range:
        return self.loader.positions.key_range((*self.path, *keys))

    def value_range(self, *keys: str | int) -> Range:
        return self.loader.positions.value_range((*self.path, *keys))

    def problem_at(self, key: str, message: str) -> None:
        """A problem with the value of ``key``."""
        self.loader.problem(self.value_range(key), message)

    def wrong_type(self, keys: KeyPath, what: str, expected: str, value: object) -> None:
        self.loader.problem(
            self.key_range(*keys), f"{what} must be {expected}, not {_type_name(value)}"
        )

    def table(self, key: str, where: str, allowed: Sequence[str]) -> _Section | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.wrong_type((key,), f"'{key}'", "a table", value)
            return None
        return _Section(self.loader, value, (*self.path, key), where, allowed)

    def string(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        self.wrong_type((key,), f"'{key}'", "a string", value)
        return None

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.wrong_type((key,), f"'{key}'", "a boolean (true or false)", value)
        return default

    def count(self, key: str) -> int | None:
        """A positive integer (a number of lines)."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type((key,), f"'{key}'", "an integer", value)
            return None
        if value < 1:
            self.problem_at(key, f"'{key}' must be at least 1, not {value}")
            return None
        return value

    def strings(self, key: str) -> list[tuple[str, Range]]:
        """An array of strings, each with its range; [] when absent or of the wrong type."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            self.wrong_type(
                (key,),
                f"'{key}'",
                f"an array of strings such as {json.dumps([value])}",
                value,
            )
            return []
        if not isinstance(value, list):
            self.wrong_type((key,), f"'{key}'", "an array of strings", value)
            return []
        items: list[tuple[str, Range]] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                items.append((item, self.value_range(key, index)))
            else:
                self.wrong_type((key, index), f"each entry of '{key}'", "a string", item)
        return items

    def modules(self, key: str) -> tuple[ModuleExpr, ...]:
        parsed = (self.loader.parse_module(text, range_) for text, range_ in self.strings(key))
        return tuple(expr for expr in parsed if expr is not None)

    def imports(self, key: str, exact: bool = False) -> tuple[ImportExpr, ...]:
        parsed = (
            self.loader.parse_import(text, range_, exact) for text, range_ in self.strings(key)
        )
        return tuple(expr for expr in parsed if expr is not None)

    def module(self, key: str) -> ModuleExpr | None:
        text = self.string(key)
        if text is None:
            return None
        return self.loader.parse_module(text, self.value_range(key))

    def names(self, key: str, valid: re.Pattern[str], what: str) -> tuple[str, ...]:
        """An array of plain or dotted Python names (``what`` describes them)."""
        names: list[str] = []
        for text, range_ in self.strings(key):
            if valid.fullmatch(text):
                names.append(text)
            else:
                self.loader.problem(range_, f"'{text}' in '{key}' is not {what}")
        return tuple(names)

    def read(self, field: Field) -> object:
        """The value of a rule's field, read by its declared type; None when it is wrong
        (the problem is reported, the rule's default stays)."""
        key = field.key
        if field.type == "modules":
            return self.modules(key)
        if field.type == "module":
            return self.module(key)
        if field.type == "imports":
            return self.imports(key)
        if field.type == "exact-imports":
            return self.imports(key, exact=True)
        if field.type == "boolean":
            value = self.data.get(key)
            if isinstance(value, bool):
                return value
            self.wrong_type((key,), f"'{key}'", "a boolean (true or false)", value)
            return None
        if field.type == "count":
            return self.count(key)
        if field.type == "names":
            assert field.valid is not None, f"{key}: a names field declares what is valid"
            return self.names(key, field.valid, field.what)
        if field.type == "pattern":
            return self.name_pattern(key)
        # "string", "strings" and "choice" are the [project] and [adr] keys' types, which
        # ``load`` reads itself (paths resolved, ranges kept); no rule kind uses them yet
        assert field.type == "layers", f"{key}: no reader for a rule field of {field.type}"
        return _layers(self, key)

    def choice(self, key: str, choices: Sequence[str]) -> str | None:
        text = self.string(key)
        if text is None or text in choices:
            return text
        self.problem_at(
            key, f"'{key}' must be {' or '.join(repr(c) for c in choices)}, not '{text}'"
        )
        return None

    def name_pattern(self, key: str) -> str | None:
        text = self.string(key)
        if text is not None and text not in NAME_STYLES and _looks_like_style(text):
            style = _style_meant(text)
            hint = f" (did you mean {style}?)" if style else ""
            self.problem_at(
                key,
                f"'{text}' is not a name style{hint}; styles: {', '.join(NAME_STYLES)} "
                "(spelled exactly so); a name glob needs '*' or '?' to match more than one name",
            )
            return None
        if text is None or text in NAME_STYLES or _NAME_GLOB.fullmatch(text):
            return text
        self.problem_at(
            key,
            f"'{text}' is neither a name style nor a name glob{_did_you_mean(text, NAME_STYLES)};"
            f" styles: {', '.join(NAME_STYLES)}; globs use letters, digits, '_', '*' and '?'",
        )
        return None


# --- values of more than one level ----------------------------------------------------


def _layers(
    section: _Section, key: str
) -> tuple[tuple[tuple[ModuleExpr, ...], ...], frozenset[int]]:
    """An array of layers, each a module expression, an array of sibling expressions, or a
    table ``{ modules = [...], independent = false }``; and the indices of the layers whose
    siblings may import each other."""
    value = section.data.get(key)
    if value is None:
        return (), frozenset()
    expected = "a module expression, an array of them or a table { modules = [...] }"
    if not isinstance(value, list):
        section.wrong_type((key,), f"'{key}'", "an array of layers", value)
        return (), frozenset()
    if not value:
        section.problem_at(key, f"'{key}' must name at least one layer")
    loader = section.loader
    layers: list[tuple[ModuleExpr, ...]] = []
    open_layers: set[int] = set()
    for i, entry in enumerate(value):
        members: list[ModuleExpr | None] = []
        keys: tuple[str | int, ...] = (key, i)
        item = entry
        if isinstance(entry, dict):
            path = (*section.path, key, i)
            table = _Section(loader, entry, path, "in a layer", _LAYER_KEYS)
            if "independent" in entry and table.read(_INDEPENDENT) is False:
                open_layers.add(i)
            item = entry.get("modules")
            keys = (key, i, "modules")
            if not isinstance(item, list):
                section.wrong_type(keys, "'modules' of a layer", "an array of strings", item)
                item = []
        if isinstance(item, str):
            members.append(loader.parse_module(item, section.value_range(*keys)))
        elif isinstance(item, list):
            if not item:
                loader.problem(section.value_range(*keys), "a layer must name at least one module")
            for j, sibling in enumerate(item):
                if isinstance(sibling, str):
                    members.append(loader.parse_module(sibling, section.value_range(*keys, j)))
                else:
                    section.wrong_type((*keys, j), "each module of a layer", "a string", sibling)
        else:
            section.wrong_type(keys, f"each entry of '{key}'", expected, item)
        layers.append(tuple(expr for expr in members if expr is not None))
    return tuple(layers), frozenset(open_layers)


_LAYER_KEYS = ("modules", "independent")
_INDEPENDENT = Field("independent", "independent", "boolean", "")
