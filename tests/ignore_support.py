"""Gitignore cases shared by tests/test_ignore.py and bench/ignore_libs.py, and git itself as
the oracle: ``git check-ignore`` says whether a path is ignored (by its own pattern or by an
ignored parent directory), which is what a walker that never enters an ignored directory
decides."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from archrules.core.ignore import IgnoreRules, IgnoreStack

GIT = shutil.which("git")
GIT_ENV = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")

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
    (["[z-a]x"], "zx", False, True),  # git: a reversed range still matches its low end
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


def case_tree(root: Path, cases: Sequence[tuple[list[str], str, bool, bool | None]]) -> list[str]:
    """One git repository at ``root`` holding every case in a directory of its own, ``cN/``,
    with the case's patterns as ``cN/.gitignore`` (so they are relative to ``cN``, as in a
    nested ignore file) and its path created as a file or a directory. Returns the paths,
    relative to ``root``."""
    assert GIT is not None
    subprocess.run([GIT, "init", "-q", str(root)], env=GIT_ENV, check=True)
    paths: list[str] = []
    for number, (lines, path, is_dir, _) in enumerate(cases):
        directory = root / f"c{number}"
        directory.mkdir()
        (directory / ".gitignore").write_bytes("\n".join([*lines, ""]).encode())
        target = directory / path
        if is_dir:
            target.mkdir(parents=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        paths.append(f"c{number}/{path}")
    return paths


def git_ignored(root: Path, paths: Sequence[str]) -> list[bool]:
    """Whether git ignores each path (relative to the repository ``root``)."""
    assert GIT is not None
    out = subprocess.run(
        [GIT, "check-ignore", "-z", "-v", "-n", "--stdin"],
        cwd=root,
        env=GIT_ENV,
        input="".join(f"{p}\0" for p in paths).encode(),
        capture_output=True,
        check=False,  # 1 when nothing is ignored
    ).stdout.decode()
    fields = out.split("\0")
    verdicts: dict[str, bool] = {}
    for start in range(0, len(fields) - 1, 4):
        _source, _line, pattern, path = fields[start : start + 4]
        verdicts[path] = bool(pattern) and not pattern.startswith("!")
    return [verdicts[p] for p in paths]


def walk_ignored(
    root: Path, rel: str, is_dir: bool, load: Callable[[Path], object] | None = None
) -> bool:
    """Whether ``rel`` is ignored, walking down from ``root`` as discovery does: each
    directory's ``.gitignore`` is pushed, an ignored directory is not entered. ``load``
    reads a ``.gitignore`` (another implementation for comparison); archrules' by default."""
    reader = load or IgnoreRules.from_file
    stack = IgnoreStack.build(root)
    directory = root
    *parents, name = rel.split("/")
    for part in parents:
        if (directory / ".gitignore").is_file():
            stack = stack.push(reader(directory / ".gitignore"))  # type: ignore[arg-type]
        if stack.is_ignored_name(part, True):
            return True
        stack = stack.child(part)
        directory = directory / part
    if (directory / ".gitignore").is_file():
        stack = stack.push(reader(directory / ".gitignore"))  # type: ignore[arg-type]
    return stack.is_ignored_name(name, is_dir)
