"""Tests for archrules.core.ignore: gitignore(5) semantics, checked case by case and
against git itself when it is installed."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from archrules.core.ignore import IgnoreRules, IgnoreStack, compile_pattern

BASE = Path("/project")


def verdict(lines: list[str], path: str, is_dir: bool = False) -> bool | None:
    return IgnoreRules.from_lines(lines, BASE).match(Path(path), is_dir)


# (patterns, path, is_dir, expected): True ignored, False re-included, None no match
CASES: list[tuple[list[str], str, bool, bool | None]] = [
    # nothing, blank lines, comments
    ([], "a.py", False, None),
    ([""], "a.py", False, None),
    (["   "], "a.py", False, None),
    (["# a.py"], "# a.py", False, None),
    (["#a.py"], "a.py", False, None),
    (["\\#hash"], "#hash", False, True),
    (["x#y"], "x#y", False, True),
    # trailing spaces trimmed unless escaped; leading spaces are significant
    (["foo   "], "foo", False, True),
    (["foo\\ "], "foo ", False, True),
    (["foo\\ "], "foo", False, None),
    (["foo\\  "], "foo ", False, True),
    (["foo\\\\ "], "foo\\", False, True),
    ([" foo"], " foo", False, True),
    ([" foo"], "foo", False, None),
    (["foo\t"], "foo\t", False, True),
    (["foo\r"], "foo", False, True),
    (["foo\n"], "foo", False, True),
    # negation: last match wins; a matching negation says "re-included"
    (["!foo"], "foo", False, False),
    (["\\!important"], "!important", False, True),
    (["\\!important"], "important", False, None),
    (["*.log", "!keep.log"], "keep.log", False, False),
    (["*.log", "!keep.log"], "d/keep.log", False, False),
    (["*.log", "!keep.log"], "other.log", False, True),
    (["!keep.log", "*.log"], "keep.log", False, True),
    (["*.log", "!keep.log", "keep.*"], "keep.log", False, True),
    (["!"], "x", False, None),
    (["/"], "x", True, None),
    (["!/"], "x", True, None),
    (["//"], "x", True, None),
    # trailing slash: directories only
    (["build/"], "build", True, True),
    (["build/"], "build", False, None),
    (["build/"], "src/build", True, True),
    (["build"], "build", False, True),
    (["build"], "src/build", True, True),
    (["!build/"], "build", True, False),
    (["!build/"], "build", False, None),
    (["doc/frotz/"], "doc/frotz", True, True),
    (["doc/frotz/"], "doc/frotz", False, None),
    (["doc/frotz/"], "a/doc/frotz", True, None),
    # leading or middle slash anchors; no slash: any depth
    (["/build"], "build", True, True),
    (["/build"], "src/build", True, None),
    (["doc/frotz"], "doc/frotz", False, True),
    (["doc/frotz"], "a/doc/frotz", False, None),
    (["frotz"], "a/b/frotz", False, True),
    (["/a/b"], "a/b", False, True),
    (["a/b"], "x/a/b", False, None),
    # '*' never crosses '/'
    (["*.py"], "a.py", False, True),
    (["*.py"], "a/b/c.py", False, True),
    (["*.py"], "c.pyc", False, None),
    (["*.py"], ".py", False, True),
    (["a*"], "x/abc", False, True),
    (["a*"], "abc/x", False, None),
    (["*"], "any/deep/thing", False, True),
    (["a/*"], "a/b", False, True),
    (["a/*"], "a/b/c", False, None),
    (["a/*"], "x/a/b", False, None),
    (["a/*.py"], "a/.py", False, True),
    (["a/*/c"], "a/b/c", False, True),
    (["a/*/c"], "a/c", False, None),
    (["a/*/c"], "a/b/x/c", False, None),
    (["*a*b*c*"], "xaybzcw", False, True),
    (["*a*b*c*"], "xa/ybzcw", False, None),
    # '?' is one character, never '/'
    (["?.txt"], "a.txt", False, True),
    (["?.txt"], "ab.txt", False, None),
    (["?.txt"], "d/b.txt", False, True),
    (["a?b"], "a/b", False, None),
    (["a?b"], "axb", False, True),
    # classes
    (["[abc].py"], "b.py", False, True),
    (["[abc].py"], "d.py", False, None),
    (["[a-c]x"], "bx", False, True),
    (["[a-c]x"], "dx", False, None),
    (["[!a]x"], "bx", False, True),
    (["[!a]x"], "ax", False, None),
    (["[^a]x"], "bx", False, True),
    (["[^a]x"], "ax", False, None),
    (["x[!a]y"], "x/y", False, None),
    (["[]]x"], "]x", False, True),
    (["[!]]x"], "ax", False, True),
    (["[!]]x"], "]x", False, None),
    (["[\\]]x"], "]x", False, True),
    (["[a-]x"], "-x", False, True),
    (["[a-]x"], "ax", False, True),
    (["[a-]x"], "bx", False, None),
    (["[\\a-\\c]x"], "bx", False, True),
    (["[z-a]x"], "zx", False, None),
    (["[z-a]x"], "ax", False, None),
    (["[!z-a]x"], "ax", False, True),
    (["[[:digit:]]*"], "1a", False, True),
    (["[[:digit:]]*"], "a1", False, None),
    (["[[:upper:][:digit:]]"], "A", False, True),
    (["[[:upper:][:digit:]]"], "7", False, True),
    (["[[:upper:][:digit:]]"], "a", False, None),
    (["[![:alpha:]]"], "_", False, True),
    (["[![:alpha:]]"], "q", False, None),
    (["[[:alnum:]_]"], "_", False, True),
    (["[[:xdigit:]]"], "F", False, True),
    (["[[:xdigit:]]"], "g", False, None),
    (["[[:punct:]]"], "[", False, True),
    (["[[:punct:]]"], "~", False, True),
    (["[[:punct:]]"], "a", False, None),
    (["[[:space:]]x"], " x", False, True),
    (["[[:lower:]]"], "a", False, True),
    (["[[:print:]]"], "a", False, True),
    (["[[:graph:]]"], " ", False, None),
    (["[[:blank:]]"], "\t", False, True),
    (["[[:cntrl:]]"], "\x01", False, True),
    (["[[:bogus:]]"], "b", False, None),
    (["[[:alpha:"], "a", False, None),
    (["[[x]"], "[", False, True),
    (["[[x]"], "x", False, True),
    (["[abc"], "[abc", False, None),
    (["[abc"], "a", False, None),
    (["[!"], "[!", False, None),
    (["[\\"], "[", False, None),
    (["[a-\\"], "a", False, None),
    (["a[/]b"], "a/b", False, None),
    (["x[!-0]y"], "x/y", False, None),
    (["x[!-0]y"], "x.y", False, True),
    # escapes
    (["\\*"], "*", False, True),
    (["\\*"], "a", False, None),
    (["\\?"], "?", False, True),
    (["\\?"], "a", False, None),
    (["\\[a]"], "[a]", False, True),
    (["\\[a]"], "a", False, None),
    (["\\a\\b"], "ab", False, True),
    (["foo\\"], "foo\\", False, None),
    (["foo\\"], "foo", False, None),
    (["a\\/b"], "a/b", False, True),
    # regex metacharacters are literal
    (["a+b(c)"], "a+b(c)", False, True),
    (["a+b(c)"], "aab(c)", False, None),
    (["a.b"], "axb", False, None),
    (["a|b"], "a", False, None),
    (["^a$"], "^a$", False, True),
    (["{a,b}"], "a", False, None),
    (["{a,b}"], "{a,b}", False, True),
    # '**'
    (["**/foo"], "foo", False, True),
    (["**/foo"], "a/b/foo", False, True),
    (["**/foo"], "a/foo/x", False, None),
    (["**/foo/bar"], "foo/bar", False, True),
    (["**/foo/bar"], "x/y/foo/bar", False, True),
    (["**/foo/bar"], "foo/x/bar", False, None),
    (["foo/**"], "foo/x", False, True),
    (["foo/**"], "foo/x/y", True, True),
    (["foo/**"], "foo", True, None),
    (["foo/**"], "a/foo/x", False, None),
    (["foo/**/"], "foo/x", True, True),
    (["foo/**/"], "foo/x", False, None),
    (["a/**/b"], "a/b", False, True),
    (["a/**/b"], "a/x/b", False, True),
    (["a/**/b"], "a/x/y/b", False, True),
    (["a/**/b"], "a/xb", False, None),
    (["a/**/b"], "x/a/b", False, None),
    (["**/a/**/a/b"], "a/a/b", False, True),
    (["**/a/**/a/b"], "x/a/y/a/z/a/b", False, True),
    (["**/a/**/a/b"], "a/b", False, None),
    (["a/**/b/**/c"], "a/b/c", False, True),
    (["a/**/b/**/c"], "a/x/b/y/b/c", False, True),
    (["a/**/b/**/c"], "a/c/b", False, None),
    (["**/x/**"], "x/y", False, True),
    (["**/x/**"], "a/x/y/z", False, True),
    (["**/x/**"], "a/x", True, None),
    (["a/**/**/b"], "a/b", False, True),
    (["a/**/**/b"], "a/x/y/b", False, True),
    (["**/migrations/**"], "app/migrations/0001.py", False, True),
    (["**/migrations/**"], "migrations/0001.py", False, True),
    (["**/migrations/**"], "app/migrations", True, None),
    (["a/**", "!a/keep"], "a/keep", False, False),
    (["a/**", "!a/keep"], "a/other", False, True),
    (["**"], "x", False, True),
    (["**"], "x/y/z", False, True),
    (["/**"], "x/y", False, True),
    (["**/"], "x/y", True, True),
    (["**/"], "x/y", False, None),
    (["**/*"], "x/y", False, True),
    # other '**' act like '*'
    (["a**b"], "axyzb", False, True),
    (["a**b"], "a/b", False, None),
    (["**foo"], "xfoo", False, True),
    (["**foo"], "d/xfoo", False, True),
    (["foo**"], "foox", False, True),
    (["foo**/bar"], "foox/bar", False, True),
    (["foo**/bar"], "foo/x/bar", False, None),
    (["***"], "a/b", False, True),
    (["*a*b"], "aab", False, True),
    (["*a*b"], "xaxbxb", False, True),
    (["*a*b"], "xaxbxa", False, None),
    (["a*a*a"], "aa", False, None),
    (["a*a*a"], "aaa", False, True),
    (["?*?"], "ab", False, True),
    (["?*?"], "a", False, None),
    # empty segments (double slashes) never match: paths have no empty names
    (["a//b"], "a/b", False, None),
    (["//**"], "x/y", False, None),
    (["**//"], "x", True, None),
    (["**//x"], "x", False, None),
    (["\\*\\*/foo"], "**/foo", False, True),
    (["\\*\\*/foo"], "a/foo", False, None),
    # names that are not plain ASCII
    (["café"], "café", False, True),
    (["a*"], "a\nb", False, True),
    (["*.egg-info/"], "pkg.egg-info", True, True),
    # the classic "ignore everything but one directory" recipe
    (["/*", "!/keep/"], "keep", True, False),
    (["/*", "!/keep/"], "keep", False, True),
    (["/*", "!/keep/"], "other", True, True),
    (["/*", "!/keep/"], "keep/inner", False, None),
]


@pytest.mark.parametrize(("lines", "path", "is_dir", "expected"), CASES)
def test_gitignore_semantics(
    lines: list[str], path: str, is_dir: bool, expected: bool | None
) -> None:
    assert verdict(lines, path, is_dir) is expected


def test_compile_pattern_fields() -> None:
    pattern = compile_pattern("!/doc/*.md/", 7)
    assert pattern is not None
    assert pattern.negated and pattern.dir_only and pattern.anchored
    assert pattern.line == 7
    assert pattern.text == "!/doc/*.md/"
    unanchored = compile_pattern("*.md")
    assert unanchored is not None and not unanchored.anchored
    assert compile_pattern("# comment") is None
    assert compile_pattern("") is None
    assert compile_pattern("[unclosed") is None


def test_regexes_have_no_nested_quantifiers() -> None:
    for lines, _, _, _ in CASES:
        for line in lines:
            pattern = compile_pattern(line)
            if pattern is not None:
                assert ")*" not in pattern.regex
                assert ")+" not in pattern.regex
                assert "*)" not in pattern.regex.replace("(?:.*/)?", "")


def test_pathological_patterns_do_not_backtrack_catastrophically() -> None:
    rules = IgnoreRules.from_lines(["*a*a*a*a*a*b", "**/x/**/y/**/z"], BASE)
    name = "a" * 200
    deep = "/".join(["x"] * 100)
    assert rules.match(Path(name), False) is None
    assert rules.match(Path(deep), False) is None
    assert rules.match(Path("/".join(["x", "y"] * 200) + "/w"), False) is None


def test_last_match_reports_the_deciding_line() -> None:
    rules = IgnoreRules.from_lines(["# header", "*.log", "", "!keep.log"], BASE)
    pattern = rules.last_match_relative("keep.log", False)
    assert pattern is not None and pattern.line == 4 and pattern.negated
    pattern = rules.last_match_relative("x.log", False)
    assert pattern is not None and pattern.line == 2
    assert rules.last_match_relative("x.txt", False) is None
    assert len(rules.patterns) == 2


def test_match_absolute_and_relative_paths(tmp_path: Path) -> None:
    rules = IgnoreRules.from_lines(["/top.py", "deep.py"], tmp_path)
    assert rules.base == tmp_path
    assert rules.match(tmp_path / "top.py", False) is True
    assert rules.match(tmp_path / "sub" / "top.py", False) is None
    assert rules.match(tmp_path / "sub" / "deep.py", False) is True
    assert rules.match(tmp_path / "sub" / ".." / "top.py", False) is True
    assert rules.match(Path("sub/deep.py"), False) is True
    assert rules.match(Path("./top.py"), False) is True
    # outside the base, or the base itself: no pattern applies
    assert rules.match(tmp_path.parent / "top.py", False) is None
    assert rules.match(tmp_path, True) is None
    assert rules.match(Path(str(tmp_path) + "x") / "top.py", False) is None
    assert rules.match(Path("../top.py"), False) is None
    assert rules.match(Path(".."), True) is None
    assert rules.match(Path("."), True) is None


def test_from_file_and_rebased(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    ignore_file = tmp_path / "sub" / ".gitignore"
    ignore_file.write_bytes(b"*.tmp\r\n!keep.tmp\r\nna\xefve\n\x0cpage\n")
    rules = IgnoreRules.from_file(ignore_file)
    assert rules.base == tmp_path / "sub"
    assert rules.match(tmp_path / "sub" / "a.tmp", False) is True
    assert rules.match(tmp_path / "sub" / "keep.tmp", False) is False
    assert rules.match(tmp_path / "a.tmp", False) is None
    assert [p.line for p in rules.patterns] == [1, 2, 3, 4]  # only '\n' ends a line
    moved = rules.rebased(tmp_path)
    assert moved.base == tmp_path
    assert moved.patterns == rules.patterns
    assert moved.match(tmp_path / "a.tmp", False) is True
    assert bool(moved) and not IgnoreRules.from_lines(["# nothing"], tmp_path)
    assert "2 patterns" not in repr(moved) and "4 patterns" in repr(moved)
    with pytest.raises(OSError):
        IgnoreRules.from_file(tmp_path / "missing")


# --- IgnoreStack ------------------------------------------------------------------------


def test_stack_deeper_gitignore_overrides_outer(tmp_path: Path) -> None:
    outer = IgnoreRules.from_lines(["*.gen.py", "/pkg/local/"], tmp_path)
    inner = IgnoreRules.from_lines(["!keep.gen.py"], tmp_path / "pkg")
    stack = IgnoreStack.build(tmp_path, gitignores=[outer])
    assert stack.directory == tmp_path
    assert stack.is_ignored_name("a.gen.py", False)
    pkg = stack.child("pkg").push(inner)
    assert pkg.directory == tmp_path / "pkg"
    assert pkg.is_ignored_name("a.gen.py", False)
    assert pkg.match_name("keep.gen.py", False) is False
    assert pkg.is_ignored_name("local", True)
    assert not pkg.is_ignored_name("local", False)
    assert pkg.match_name("other.py", False) is None
    deeper = pkg.child("sub")
    assert deeper.match_name("keep.gen.py", False) is False
    assert deeper.is_ignored_name("x.gen.py", False)
    assert not deeper.is_ignored_name("local", True)  # '/pkg/local/' is anchored


def test_stack_overrides_decide_first(tmp_path: Path) -> None:
    config = IgnoreRules.from_lines(["!generated/", "legacy/"], tmp_path)
    defaults = IgnoreRules.from_lines(["build/", "dist/"], tmp_path)
    gitignore = IgnoreRules.from_lines(["generated/", "!legacy/", "!dist/", "*.log"], tmp_path)
    stack = IgnoreStack.build(tmp_path, [config, defaults], [gitignore])
    assert stack.match_name("generated", True) is False  # config re-includes
    assert stack.is_ignored_name("legacy", True)  # config beats the gitignore's negation
    assert stack.is_ignored_name("dist", True)  # a gitignore cannot re-include a default
    assert stack.is_ignored_name("build", True)
    assert stack.is_ignored_name("x.log", False)
    pattern = stack.last_match("dist", True)
    assert pattern is not None and pattern.text == "dist/"
    assert stack.last_match("x.py", False) is None
    # a .gitignore pushed deeper stays below the overrides
    sub = stack.child("src").push(IgnoreRules.from_lines(["!build/"], tmp_path / "src"))
    assert sub.is_ignored_name("build", True)


def test_stack_build_drops_rules_that_do_not_apply(tmp_path: Path) -> None:
    elsewhere = IgnoreRules.from_lines(["*"], tmp_path / "other")
    below = IgnoreRules.from_lines(["*"], tmp_path / "src" / "deeper")
    outer = IgnoreRules.from_lines(["src/x.py"], tmp_path)
    stack = IgnoreStack.build(tmp_path / "src", [elsewhere], [below, outer])
    assert stack.match_name("y.py", False) is None
    assert stack.is_ignored_name("x.py", False)


# --- against git itself -----------------------------------------------------------------

GIT = shutil.which("git")
_NAMES = ["a", "b", "ab", "a.py", "x", "#x", "!x", "a-b", "]", "[a]", "a b", "A", "1"]
_TOKENS = [
    *("a", "b", "*", "**", "?", "/", "[ab]", "[!a]", "[a-c]", "[[:alpha:]]", "[[:digit:]]"),
    *("\\", " ", "#", "\\!", "\\#", "[", "]", "-", "!", "[]]", "[!]]", "\\ ", "[^a]"),
    *(".py", "x", "\\*", "**/", "/**/", "/**", "a/", "*a", "a*"),
]


def _random_tree(rng: random.Random, prefix: str = "", depth: int = 0) -> list[str]:
    out: list[str] = []
    for name in rng.sample(_NAMES, rng.randint(1, 4)):
        if depth < 3 and rng.random() < 0.5:
            out += _random_tree(rng, f"{prefix}{name}/", depth + 1)
        else:
            out.append(prefix + name)
    return out


def _documented(pattern: str) -> bool:
    """Whether ``**`` appears only as a whole segment, and no ``\\/``.

    git deviates from gitignore(5) there: it strips the literal prefix of a pattern before
    matching, so in ``a**/x`` the ``**`` acts like a leading ``**`` (crossing ``/``) where
    the documentation says "other consecutive asterisks are regular asterisks"; archrules
    follows the documentation. An escaped slash is a separator for archrules.
    """
    if "\\/" in pattern:
        return False
    for run in re.finditer(r"\*{2,}", pattern):
        start, end = run.span()
        if start and pattern[start - 1] not in "/!":
            return False
        if end < len(pattern) and pattern[end] != "/":
            return False
    return True


def _random_pattern(rng: random.Random) -> str:
    text = "".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 5)))
    while not _documented(text):
        text = "".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 5)))
    if rng.random() < 0.3:
        text = "!" + text
    if rng.random() < 0.2:
        text += "/"
    return text


def _walk_with_stack(root: Path) -> list[str]:
    found: list[str] = []
    stack = [(root, IgnoreStack.build(root))]
    while stack:
        directory, ignore = stack.pop()
        if (directory / ".gitignore").is_file():
            ignore = ignore.push(IgnoreRules.from_file(directory / ".gitignore"))
        for entry in os.scandir(directory):
            if entry.name in (".git", ".gitignore"):
                continue
            is_dir = entry.is_dir()
            if ignore.is_ignored_name(entry.name, is_dir):
                continue
            if is_dir:
                stack.append((Path(entry.path), ignore.child(entry.name)))
            else:
                found.append(Path(entry.path).relative_to(root).as_posix())
    return sorted(found)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_agrees_with_git_ls_files(tmp_path: Path) -> None:
    """Random patterns and trees; git lists the files it does not ignore, so do we."""
    assert GIT is not None
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    rng = random.Random(20240601)
    mismatches: list[str] = []
    for case in range(60):
        root = tmp_path / f"case{case}"
        root.mkdir()
        subprocess.run([GIT, "init", "-q"], cwd=root, env=env, check=True)
        for name in _random_tree(rng):
            target = root / name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            except OSError:
                continue  # a file where a directory is wanted, or the reverse
        patterns = [_random_pattern(rng) for _ in range(rng.randint(1, 4))]
        (root / ".gitignore").write_text("\n".join(patterns) + "\n")
        dirs = sorted(p for p in root.rglob("*") if p.is_dir() and ".git" not in p.parts)
        nested: list[str] = []
        if dirs and rng.random() < 0.5:
            nested = [_random_pattern(rng) for _ in range(rng.randint(1, 3))]
            (rng.choice(dirs) / ".gitignore").write_text("\n".join(nested) + "\n")
        listed = subprocess.run(
            [GIT, "ls-files", "-o", "--exclude-standard", "-z"],
            cwd=root,
            env=env,
            capture_output=True,
            check=True,
        ).stdout.decode()
        expected = sorted(
            p for p in listed.split("\0") if p and p.rpartition("/")[2] != ".gitignore"
        )
        ours = _walk_with_stack(root)
        if ours != expected:
            mismatches.append(f"{patterns} {nested}: ours {ours} git {expected}")
    assert not mismatches
