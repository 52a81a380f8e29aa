"""The ``archrules`` command line: a thin adapter over the engine."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from archrules import __version__
from archrules.cli import context as context_cli
from archrules.cli import graph
from archrules.cli.diff import Base, DiffError, diff_findings, resolve_base
from archrules.cli.formats import (
    FORMATS,
    STATISTICS_FORMATS,
    ErrorInfo,
    Report,
    RuleInfo,
    render,
    skipped_summary,
)
from archrules.core.adr import AdrSet, create_adr, describe_status, load_adrs, new_adr_directory
from archrules.core.baseline import (
    BASELINE_NAME,
    Baseline,
    BaselineError,
    Scope,
    apply_baseline,
    load_baseline,
    merge_baseline,
    write_entries,
)
from archrules.core.cache import default_cache_dir
from archrules.core.config import ConfigProblem, find_config, find_configs_below, load_config
from archrules.core.files import write_atomic
from archrules.core.infer import InferError, infer_project
from archrules.core.migrate import MigrationError, migrate_importlinter, migrate_tach
from archrules.core.modules import SkipKind, Skipped
from archrules.core.project import Project, find_configs, open_project
from archrules.core.schema import json_schema_text, rule_reference
from archrules.core.types import BUILTIN_RULES, FILE_START, Violation, format_adr_id

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
# an unexpected exception (a bug in archrules): the spec's "usage, config or internal
# error" status, never 1, which CI reads as "violations"
EXIT_INTERNAL = EXIT_ERROR
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)
DEBUG_ENV = "ARCHRULES_DEBUG"  # set (to anything but "" or "0"): tracebacks of internal errors
EXIT_STATUS_HELP = (
    "Exit status: 0 no violations above the baseline, 1 violations (of severity error or "
    "warning), 2 usage or config error, or an internal error (a bug in archrules: one line "
    f"says so; --verbose or {DEBUG_ENV}=1 prints the traceback)."
)


class UsageError(Exception):
    pass


# what a command that finds no config suggests
_INIT_HINT = "; `archrules init` at the project's root proposes one (`--write` writes it)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archrules",
        description="Keep a Python codebase coherent with its declared architecture. "
        "Rules live in archrules.toml (or [tool.archrules] in pyproject.toml); each cites "
        "the ADR that explains it.",
        epilog=EXIT_STATUS_HELP,
    )
    parser.add_argument("--version", action="version", version=f"archrules {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="check the project and report violations",
        description="Check the project(s) governing PATH and report violations. "
        "Files that are not checked (excluded, ignored, names that are not identifiers, "
        "unreadable) are counted in the summary. " + EXIT_STATUS_HELP,
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    _config_option(check)
    check.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    _baseline_options(check)
    check.add_argument(
        "--select",
        action="append",
        metavar="RULE[,RULE...]",
        help="report only these rules (comma-separated; may be repeated)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of violations per rule, the most frequent first, instead of "
        "the violations (text and json)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: auto: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it)",
    )
    check.add_argument(
        "--diff",
        metavar="REV",
        help="report only the violations introduced since the git revision REV (a commit, "
        "branch or tag, e.g. origin/main): one that exists at REV is not reported, matched "
        "as the baseline matches (by rule and modules, never by line; a file git sees as "
        "renamed keeps its findings). Both trees are checked with the current config; "
        "REV's files are read into a temporary directory, the working tree and the index "
        "are left alone",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are violations"
    )
    _verbose_option(check)

    baseline = sub.add_parser(
        "baseline",
        help="record the current violations in the baseline file",
        description=f"Write the violations that exist now to {BASELINE_NAME} (next to the "
        "config, or --baseline FILE) so that check fails only on new ones. Only the entries "
        "of the given PATHs change; the others are kept. Writes only the baseline of the "
        "project governing each PATH (the nearest config at or above it), never that of a "
        "project below or beside it.",
    )
    baseline.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .)"
    )
    _config_option(baseline)
    baseline.add_argument("--baseline", type=Path, metavar="FILE", help="the file to write")
    baseline.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _jobs_option(baseline)
    _verbose_option(baseline)

    init = sub.add_parser(
        "init",
        help="propose an archrules.toml for an existing project",
        description="Read the project in PATH (default: .) and propose an archrules.toml: "
        "layers inferred from the imports between each main package's children, naming "
        "conventions that hold for at least 90 % of the names, size limits at the 95th "
        "percentile. Each rule comes with its evidence as comments. With --from-import-linter "
        "or --from-tach, translates that tool's configuration instead, naming what has no "
        "equivalent on stderr and in the file. Prints the proposal; writes PATH/archrules.toml "
        "only with --write. Nothing is imported or executed.",
    )
    init.add_argument("path", nargs="?", default=".", metavar="PATH", help="the project root")
    init.add_argument("--write", action="store_true", help="write PATH/archrules.toml")
    init.add_argument(
        "--force", action="store_true", help="with --write: overwrite an existing config"
    )
    source = init.add_mutually_exclusive_group()
    source.add_argument(
        "--from-import-linter",
        nargs="?",
        const="",
        metavar="FILE",
        help="translate import-linter's contracts instead of inferring rules (FILE: "
        ".importlinter, setup.cfg or pyproject.toml; default: the first of them in PATH "
        "that configures import-linter)",
    )
    source.add_argument(
        "--from-tach",
        nargs="?",
        const="",
        metavar="FILE",
        help="translate tach's modules, layers and dependencies (FILE: default PATH/tach.toml)",
    )

    server = sub.add_parser(
        "server",
        help="run the language server (LSP over stdio)",
        description="Run the archrules language server: diagnostics as you type, hover that "
        "quotes the ADR, quick fixes that cite ADRs. Speaks LSP over stdio unless --tcp is "
        "given. Logs go to stderr (JSON lines) or to --log-file; never to stdout.",
    )
    server.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port (for debugging)")
    server.add_argument("--log-file", type=Path, metavar="FILE", help="append the logs to FILE")
    server.add_argument(
        "--log-level",
        choices=("error", "warning", "info", "debug"),
        default="info",
        help="initial log level (a client setting may change it; default: info)",
    )

    graph.add_parser(sub)
    context_cli.add_parsers(sub)

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of archrules.toml (or the rule reference)",
        description="Print the JSON Schema (draft 7) of archrules.toml, generated from the "
        "same declarations the config loader reads; TOML editors use it to complete and "
        "check the config (Even Better TOML / Taplo: `archrules schema > "
        "archrules.schema.json`, then `#:schema ./archrules.schema.json` on the config's "
        "first line). With --format markdown, the rule reference (docs/rules.md).",
    )
    schema.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="json: the JSON Schema (default); markdown: the rule reference",
    )

    adr = sub.add_parser("adr", help="list or create Architecture Decision Records")
    adr_sub = adr.add_subparsers(dest="adr_command", metavar="ADR_COMMAND")
    adr_new = adr_sub.add_parser("new", help="create the next ADR from the MADR template")
    adr_new.add_argument("title", help="the decision's title")
    _config_option(adr_new)
    adr_list = adr_sub.add_parser("list", help="list ADRs: id, status, title")
    _config_option(adr_list)
    return parser


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the config file (default: the nearest archrules.toml or pyproject.toml "
        "with [tool.archrules] above each PATH)",
    )


def _verbose_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="name every file and directory not checked, and why; print the traceback "
        "of an internal error",
    )


def _baseline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help=f"baseline file (default: {BASELINE_NAME} next to the config, if it exists)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="ignore the baseline")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _jobs_option(parser)


def _jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes reading files (default: $ARCHRULES_JOBS, else one per CPU; "
        "1 reads in this process; few files are always read in this process)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # A check builds ~10^6 long-lived objects (facts, edges): the default thresholds make
    # the collector walk them again and again (20 % of a warm run with one changed file on
    # homeassistant); rarer collections change no result. (The server keeps its own.)
    thresholds = gc.get_threshold()
    if args.command not in ("server", "mcp"):
        gc.set_threshold(100_000, 50, 1000)
    try:
        return _run(parser, args)
    except BrokenPipeError:  # the reader went away (`archrules adr list | head`): quietly
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:  # a bug in archrules: one line, not a traceback, never 1
        return _internal_error(error, bool(getattr(args, "verbose", False)))
    finally:
        gc.set_threshold(*thresholds)


def _drop_stdout() -> None:
    """Send what is still buffered for stdout nowhere: the interpreter flushes it at exit,
    which would raise again (the recipe in Python's signal documentation)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _internal_error(error: Exception, verbose: bool) -> int:
    if verbose or os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    detail = f"{type(error).__name__}: {error}".rstrip(": ")
    print(
        f"archrules: internal error ({detail}). This is a bug in archrules {__version__}: "
        "please report it to the archrules issue tracker with the command you ran and the "
        f"traceback (rerun with --verbose or {DEBUG_ENV}=1 to see it).",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "init":
            return _init(args)
        if args.command == "graph":
            return graph.run_graph(args)
        if args.command == "schema":
            text = json_schema_text() if args.format == "json" else rule_reference()
            sys.stdout.write(text)
            return EXIT_OK
        if args.command == "server":
            from archrules.lsp.main import serve  # noqa: PLC0415 - pygls loads for `server` only

            return serve(args.tcp, args.log_file, args.log_level)
        if args.command == "context":
            return context_cli.run_context(args)
        if args.command == "mcp":
            return context_cli.run_mcp(args)
        if args.command == "adr":
            if args.adr_command == "new":
                return _adr_new(args)
            if args.adr_command == "list":
                return _adr_list(args)
            parser.parse_args(["adr", "--help"])
        parser.print_help()
        return EXIT_ERROR
    except UsageError as error:
        if args.command == "check":
            return _report_errors(args.format, [ErrorInfo(str(error))])
        print(f"archrules: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("archrules: interrupted", file=sys.stderr)
        return 130


# --- finding and opening projects ------------------------------------------------------


def _absolute(path: Path) -> Path:
    """Absolute, with ``.`` and ``..`` resolved as the config search does: every path the
    CLI compares goes through here, so ``check ..`` and ``check pkg/../pkg`` see what
    ``check`` from the root sees."""
    return Path(os.path.abspath(path))


def _config_paths(
    config: Path | None,
    paths: Sequence[Path],
    skipped: list[Skipped],
    cache_dir: Path | None,
    *,
    descend: bool = True,
) -> dict[Path, list[Path]]:
    """Map each governing config file to the paths it is asked to check. With
    ``descend``, the configs of nested projects below a directory PATH too; configs left out
    (excluded by an enclosing config, in a directory that cannot be read) go to ``skipped``."""
    if config is not None:
        if not os.path.isfile(config):
            raise UsageError(f"{config}: no such config file")
        return {_absolute(config): [_absolute(p) for p in paths]}
    found: dict[Path, list[Path]] = {}
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
        absolute = _absolute(path)
        nearest = find_config(absolute)
        configs = [nearest] if nearest is not None else []
        below: list[Path] = []
        if os.path.isdir(absolute):
            scan = find_configs(absolute, cache_dir)
            below = list(scan.found)
            for where, reason in scan.skipped:
                kind: SkipKind = "unreadable" if reason.startswith("cannot read") else "excluded"
                skipped.append(Skipped(where, kind, reason, kind == "unreadable"))
        if descend:
            configs += below
        if not configs:
            hint = _INIT_HINT
            if below:
                shown = ", ".join(_rel(b.parent, Path.cwd()) or "." for b in below[:3])
                hint = (
                    f"; `archrules baseline` writes only the baseline of the project that "
                    f"governs each PATH: name one, e.g. `archrules baseline {shown.split(', ')[0]}`"
                    f" (projects below: {shown})"
                )
            raise UsageError(
                f"no archrules.toml (or pyproject.toml with [tool.archrules]) governs {path}{hint}"
            )
        for cfg in configs:
            found.setdefault(_absolute(cfg), []).append(absolute)
    return found


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes (1 or more), got {value!r}"
        )
    return jobs


def _print_problems(problems: Sequence[ConfigProblem], what: str = "config error") -> None:
    cwd = Path.cwd()
    for problem in problems:
        line, col = problem.range.line + 1, problem.range.col + 1
        print(
            f"{_rel(problem.path, cwd)}:{line}:{col}: {what}: {problem.message}",
            file=sys.stderr,
        )


def _rel(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: Path, roots: Sequence[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)  # ``in path.parents``: slow


@dataclass
class _Opened:
    project: Project
    found: list[Violation]  # the findings in the checked paths
    paths: tuple[Path, ...] | None  # the checked part of the project; None: all of it

    def scope(self, rules: frozenset[str] | None = None) -> Scope:
        assert self.project.config is not None
        return Scope(self.project.config.root_dir, rules, self.paths)


def _collect(
    args: argparse.Namespace, skipped: list[Skipped], *, descend: bool = True
) -> tuple[list[_Opened], list[ConfigProblem]]:
    """Open the projects governing the PATHs; what was not checked goes to ``skipped``."""
    paths = [Path(p) for p in args.paths] or [Path(".")]
    problems: list[ConfigProblem] = []
    opened: list[_Opened] = []
    not_checked: list[Skipped] = []
    cache_dir = None if args.no_cache else default_cache_dir()
    for config_path, wanted in _config_paths(
        args.config, paths, not_checked, cache_dir, descend=descend
    ).items():
        project = open_project(config_path, cache_dir=cache_dir, jobs=args.jobs, snapshot=True)
        for note in project.notes:
            print(f"archrules: warning: {note}", file=sys.stderr)
        if project.problems or not project.loaded or project.config is None:
            problems.extend(project.problems)
            continue
        _print_problems(project.warnings, "config warning")
        found = [
            v for v in project.violations() if _within(v.path, wanted) or v.path == config_path
        ]
        not_checked.extend(s for s in project.skipped if _within(s.path, wanted))
        root = project.config.root_dir
        whole = any(path == root or path in root.parents for path in wanted)
        checked = None if whole else (*wanted, config_path)
        opened.append(_Opened(project, found, checked))
    skipped.extend(sorted(set(not_checked), key=lambda s: (str(s.path), s.kind)))
    return opened, problems


# --- check ---------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    select = {
        name.strip() for item in args.select or () for name in item.split(",") if name.strip()
    }
    if args.statistics and args.format not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics works with --format {' or '.join(STATISTICS_FORMATS)}")
    skipped: list[Skipped] = []
    opened, problems = _collect(args, skipped)
    if problems:
        return _report_errors(args.format, [_problem_error(p) for p in problems])
    known = set(BUILTIN_RULES)
    for item in opened:
        assert item.project.config is not None
        known.update(rule.name for rule in item.project.config.rules)
    unknown = sorted(select - known)
    if unknown:
        raise UsageError(f"--select: no rule named {', '.join(unknown)}")
    if args.baseline is not None and not args.no_baseline and not args.baseline.is_file():
        raise UsageError(f"{args.baseline}: no such baseline file")

    bases = {id(item): _diff_base(args.diff, item) for item in opened} if args.diff else {}
    reported: list[Violation] = []
    baselined = 0
    present = 0
    stale: list[str] = []
    files = 0
    rules: dict[str, RuleInfo] = {}
    adr_titles: dict[int, str] = {}
    for item in opened:
        project = item.project
        assert project.config is not None and project.adrs is not None
        found = [v for v in item.found if v.rule in select] if select else item.found
        baseline_path = args.baseline or project.config.root_dir / BASELINE_NAME
        baseline: Baseline | None = None
        if not args.no_baseline and baseline_path.is_file():
            try:
                baseline = load_baseline(baseline_path)
            except BaselineError as error:
                raise UsageError(str(error)) from error
            result = apply_baseline(found, baseline, item.scope(frozenset(select) or None))
            found = list(result.reported)
            baselined += result.baselined
            stale.extend(result.stale)
        base = bases.get(id(item))
        if base is not None:
            cache_dir = None if args.no_cache else default_cache_dir()
            found, old = diff_findings(project, base, found, baseline, select, args.jobs, cache_dir)
            present += old
        reported.extend(found)
        files += project.file_count
        rules.update(_rule_infos(project))
        adr_titles.update({n: adr.title for n, adr in project.adrs.adrs.items()})
    report = Report(
        cwd=Path.cwd(),
        violations=reported,
        files=files,
        baselined=baselined,
        stale_baseline=stale,
        rules=rules,
        adr_titles=adr_titles,
        skipped=skipped,
        verbose=args.verbose,
        diff_base=args.diff,
        present_at_base=present,
    )
    color = _use_color(args.color, sys.stdout)
    sys.stdout.write(render(args.format, report, color=color, statistics=args.statistics))
    if args.exit_zero:
        return EXIT_OK
    failing = any(v.severity in ("error", "warning") for v in reported)
    return EXIT_VIOLATIONS if failing else EXIT_OK


def _diff_base(rev: str, item: _Opened) -> Base:
    assert item.project.config is not None
    try:
        return resolve_base(rev, item.project.config.root_dir)
    except DiffError as error:
        raise UsageError(str(error)) from error


def _use_color(choice: str, stream: TextIO) -> bool:
    """--color always/never win; else NO_COLOR (set and not empty) turns colour off,
    FORCE_COLOR turns it on, and a terminal gets it (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _problem_error(problem: ConfigProblem) -> ErrorInfo:
    return ErrorInfo(f"config error: {problem.message}", problem.path, problem.range)


def _report_errors(fmt: str, errors: Sequence[ErrorInfo]) -> int:
    """Config and usage errors: on stderr for people; on stdout too in a machine format,
    in that format's own shape (a SARIF upload or a JSON reader gets a valid document)."""
    cwd = Path.cwd()
    for error in errors:
        if error.path is None:
            print(f"archrules: error: {error.message}", file=sys.stderr)
        else:
            where = error.range or FILE_START
            print(
                f"{_rel(error.path, cwd)}:{where.line + 1}:{where.col + 1}: {error.message}",
                file=sys.stderr,
            )
    if fmt != "text":
        sys.stdout.write(
            render(
                fmt,
                Report(
                    cwd=cwd,
                    violations=(),
                    files=0,
                    baselined=0,
                    stale_baseline=(),
                    rules={},
                    errors=errors,
                ),
            )
        )
    return EXIT_ERROR


def _rule_infos(project: Project) -> dict[str, RuleInfo]:
    adrs = project.adrs
    assert project.config is not None and adrs is not None
    infos: dict[str, RuleInfo] = {}
    for name, (kind, severity, description) in BUILTIN_RULES.items():
        infos[name] = RuleInfo(name, kind, severity, description, None, None, None, "", None)
    for rule in project.config.rules:
        adr = adrs.get(rule.adr) if rule.adr is not None else None
        infos[rule.name] = RuleInfo(
            name=rule.name,
            kind=rule.kind,
            severity=rule.severity,
            description=rule.description,
            adr=rule.adr,
            adr_title=adr.title if adr else None,
            adr_status=describe_status(adr) if adr else None,
            adr_decision=adr.decision if adr else "",
            adr_path=adr.path if adr else None,
            note=rule.NOTE,
        )
    return infos


# --- baseline ------------------------------------------------------------------------


def _baseline(args: argparse.Namespace) -> int:
    skipped: list[Skipped] = []
    opened, problems = _collect(args, skipped, descend=False)
    if problems:
        _print_problems(problems)
        return EXIT_ERROR
    if skipped:
        print(skipped_summary(skipped, Path.cwd(), args.verbose), file=sys.stderr)
    if args.baseline is not None and len(opened) > 1:
        raise UsageError("--baseline FILE: the paths belong to several projects; name one")
    cwd = Path.cwd()
    for item in opened:
        project = item.project
        assert project.config is not None
        target = args.baseline or project.config.root_dir / BASELINE_NAME
        old = _old_baseline(target)
        entries, kept = merge_baseline(old, item.found, item.scope())
        count = write_entries(target, entries)
        where = (
            ""
            if item.paths is None
            else " in "
            + ", ".join(_rel(p, cwd) or "." for p in item.paths if p != project.config_path)
        )
        kept_text = f"; kept {kept} outside the checked paths" if kept else ""
        print(
            f"archrules: wrote {_count(len(item.found), 'violation')}{where} "
            f"({_count(count, 'entry', 'entries')}{kept_text}) to {_rel(target, cwd)}"
        )
        for nested in _nested_configs(project):
            print(
                f"archrules: {_rel(nested.parent, cwd)} has its own config and baseline, "
                f"not written: run `archrules baseline {_rel(nested.parent, cwd)}`",
                file=sys.stderr,
            )
    return EXIT_OK


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _nested_configs(project: Project) -> list[Path]:
    assert project.config is not None
    root = project.config.root_dir
    return [p for p in find_configs_below(root) if p.parent != root]


# --- adr -----------------------------------------------------------------------------


def _adrs_for(config: Path | None) -> tuple[Path, AdrSet]:
    config_path = config.absolute() if config is not None else find_config(Path.cwd())
    if config_path is None:
        raise UsageError(
            f"no archrules.toml (or pyproject.toml with [tool.archrules]) found{_INIT_HINT}"
        )
    result = load_config(config_path)
    if result.config is None or result.problems:
        _print_problems(result.problems)
        raise UsageError(f"{config_path}: the config has errors")
    cfg = result.config
    directory = new_adr_directory(cfg.root_dir, cfg.adr_directory)
    return directory, load_adrs(directory)


def _adr_new(args: argparse.Namespace) -> int:
    title = args.title.strip()
    if not title:
        raise UsageError("the ADR needs a title")
    directory, _ = _adrs_for(args.config)
    today = datetime.date.today().isoformat()
    path = create_adr(directory, title, today)
    print(_rel(path, Path.cwd()))
    return EXIT_OK


def _adr_list(args: argparse.Namespace) -> int:
    directory, adrs = _adrs_for(args.config)
    if not adrs.adrs and not directory.is_dir():
        print(
            f'archrules: no ADRs yet; `archrules adr new "Title"` creates the first in '
            f"{_rel(directory, Path.cwd())}",
            file=sys.stderr,
        )
        return EXIT_OK
    for number in sorted(adrs.adrs):
        adr = adrs.adrs[number]
        print(f"{format_adr_id(number)}  {describe_status(adr):<28}  {adr.title}")
    for problem in adrs.problems:
        print(
            f"archrules: warning: {problem.path}:{problem.line + 1}: {problem.message}",
            file=sys.stderr,
        )
    return EXIT_OK


def _old_baseline(target: Path) -> Baseline | None:
    """The baseline that ``archrules baseline`` is about to update, or None; it replaces
    a baseline, never another file of the user's."""
    if not target.exists():
        return None
    try:
        return load_baseline(target)
    except BaselineError as error:
        raise UsageError(
            f"{target} exists and is not an archrules baseline; not overwritten ({error})"
        ) from error


# --- init ----------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:

    root = Path(args.path)
    target = root / "archrules.toml"
    if args.write and not args.force:
        pyproject = root / "pyproject.toml"
        for existing in (target, pyproject):
            if existing.exists() and (existing == target or load_config(existing).config):
                raise UsageError(
                    f"{_rel(existing.absolute(), Path.cwd())} already configures archrules; "
                    "--force writes archrules.toml anyway"
                )
    if args.from_import_linter is not None or args.from_tach is not None:
        return _migrate(args, root, target)
    try:
        proposal = infer_project(root)
    except InferError as error:
        raise UsageError(str(error)) from error
    text = proposal.render()
    if not args.write:
        sys.stdout.write(text)
        print(
            f"archrules: not written; `archrules init --write` saves it as "
            f"{_rel(target.absolute(), Path.cwd())}",
            file=sys.stderr,
        )
        return EXIT_OK
    try:
        write_atomic(target, text, overwrite=args.force)
    except FileExistsError as error:  # it appeared while archrules was inferring
        raise UsageError(f"{target} already exists; --force overwrites it") from error
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror}") from error
    print(
        f"archrules: wrote {_rel(target.absolute(), Path.cwd())} "
        f"({len(proposal.rules)} rules); review it, then run `archrules check`"
    )
    return EXIT_OK


def _migrate(args: argparse.Namespace, root: Path, target: Path) -> int:
    """``init --from-import-linter`` / ``--from-tach``: translate, then print or write."""
    tool, given = (
        ("import-linter", args.from_import_linter)
        if args.from_import_linter is not None
        else ("tach", args.from_tach)
    )
    migrate = migrate_importlinter if tool == "import-linter" else migrate_tach
    try:
        migration = migrate(root, Path(given) if given else None)
    except MigrationError as error:
        raise UsageError(str(error)) from error
    for item in migration.unmapped:
        print(f"archrules: no equivalent in archrules: {item}", file=sys.stderr)
    for note in migration.notes:
        print(f"archrules: note: {note}", file=sys.stderr)
    source = _rel(migration.source.absolute(), Path.cwd())
    if not args.write:
        sys.stdout.write(migration.text)
        print(
            f"archrules: translated {source} ({migration.rules} rules); not written; "
            f"`--write` saves it as {_rel(target.absolute(), Path.cwd())}",
            file=sys.stderr,
        )
        return EXIT_OK
    try:
        write_atomic(target, migration.text, overwrite=args.force)
    except FileExistsError as error:
        raise UsageError(f"{target} already exists; --force overwrites it") from error
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror}") from error
    print(
        f"archrules: wrote {_rel(target.absolute(), Path.cwd())} from {source} "
        f"({migration.rules} rules); review it, then run `archrules check`"
    )
    return EXIT_OK
