"""Hostile trees: the cases of tests/test_hostile.py and bench/hostile.py (SECURITY.md).

Each builder writes a small archrules project with one kind of hostile content into
``root``; ``scale`` shrinks the big cases for CI (1.0 = the documented sizes)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

CONFIG = """\
[project]
roots = ["src"]

[adr]
directory = "docs/adr"

[[layers]]
name = "layers"
adr = "ADR-0001"
layers = ["pkg.web", "pkg.core"]
"""

ADR = "# 1. Layers\n\n## Status\n\nAccepted\n\n## Decision\n\nLayers.\n"


def base(root: Path, config: str = CONFIG) -> Path:
    """The project around the hostile content; returns the package directory."""
    pkg = root / "src" / "pkg"
    pkg.mkdir(parents=True)
    (root / "archrules.toml").write_text(config)
    (root / "docs" / "adr").mkdir(parents=True)
    (root / "docs" / "adr" / "0001-layers.md").write_text(ADR)
    (pkg / "__init__.py").write_text("")
    (pkg / "core.py").write_text("import pkg.web\n")  # one violation: proves the check ran
    (pkg / "web.py").write_text("")
    return pkg


LINE = b"value = 'abcdefghijklmnopqrstuvwxyz0123456789'\n"


def big_file(root: Path, scale: float) -> None:
    """A 50 MB module: over the 10 MiB limit, refused before it is read."""
    pkg = base(root)
    (pkg / "big.py").write_bytes(b"import pkg.web\n" + LINE * (50_000_000 // len(LINE)))


def largest_file(root: Path, scale: float) -> None:
    """A module just under the 10 MiB limit: read, parsed and checked."""
    pkg = base(root)
    count = int(10 * 1024 * 1024 * scale * 0.99) // len(LINE)
    (pkg / "large.py").write_bytes(b"import pkg.web\n" + LINE * count)


def million_imports(root: Path, scale: float) -> None:
    """A million imports in one file: a short, repeated name (a million distinct names
    would not fit in 10 MiB)."""
    pkg = base(root)
    (pkg / "imports.py").write_bytes(b"import a\n" * int(1_000_000 * scale))


def deep_nesting(root: Path, scale: float) -> None:
    """5,000 nested brackets and parentheses, 2,000 nested blocks (5,000 would be 12 MiB of
    indentation, over the file limit): ``ast`` refuses them, the parso fallback and every
    walk must not overflow the stack."""
    pkg = base(root)
    depth = max(int(5_000 * scale), 300)
    (pkg / "brackets.py").write_text("import pkg.web\nx = " + "[" * depth + "]" * depth + "\n")
    (pkg / "parens.py").write_text("import pkg.web\nx = " + "(" * depth + "1" + ")" * depth)
    levels = min(depth, 2_000)
    blocks = "".join(" " * i + "if x:\n" for i in range(levels)) + " " * levels + "import os\n"
    (pkg / "blocks.py").write_text(blocks)
    (pkg / "unclosed.py").write_text("import pkg.web\nx = " + "{" * depth)


def bad_encodings(root: Path, scale: float) -> None:
    pkg = base(root)
    (pkg / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport pkg.web\ns = '\xe9'\n")
    (pkg / "invalid.py").write_bytes(b"import pkg.web\ns = '\xff\xfe\xfd'\n")
    (pkg / "cookie.py").write_bytes(b"# coding: no-such-codec\nimport pkg.web\n")
    (pkg / "utf16.py").write_bytes("import pkg.web\n".encode("utf-16"))
    (pkg / "surrogate.py").write_bytes(b"import pkg.web\ns = '\xed\xa0\x80'\n")


def nul_bytes(root: Path, scale: float) -> None:
    pkg = base(root)
    (pkg / "nul.py").write_bytes(b"import pkg.web\x00\nimport os\n\x00\x00def f(:\n")
    (pkg / "allnul.py").write_bytes(b"\x00" * 100_000)


def symlink_loops(root: Path, scale: float) -> None:
    pkg = base(root)
    os.symlink(pkg, pkg / "loop")  # a directory that contains itself
    os.symlink(root / "src", pkg / "up")
    os.symlink(pkg / "l2.py", pkg / "l1.py")  # file symlinks pointing at each other
    os.symlink(pkg / "l1.py", pkg / "l2.py")
    os.symlink(pkg / "missing.py", pkg / "dangling.py")
    os.symlink(root / "docs" / "adr", root / "docs" / "adr" / "again")


def special_files(root: Path, scale: float) -> None:
    """FIFOs and devices named like sources, ADRs, configs and ignore files: none may be
    opened for reading (a FIFO blocks, /dev/zero never ends)."""
    pkg = base(root)
    os.mkfifo(pkg / "fifo.py")
    os.mkfifo(root / "docs" / "adr" / "0002-fifo.md")
    os.mkfifo(pkg / ".gitignore")
    os.symlink("/dev/zero", pkg / "zero.py")
    os.symlink("/dev/zero", root / "docs" / "adr" / "0003-zero.md")
    os.symlink("/dev/urandom", pkg / "random.py")
    if os.geteuid() == 0:  # a real device node (only root may make one)
        os.mknod(pkg / "null.py", stat.S_IFCHR | 0o600, os.makedev(1, 3))


def odd_names(root: Path, scale: float) -> None:
    pkg = base(root)
    for name in ["new\nline.py", "tab\there.py", "cafe\u0301.py", "名前.py", "space name.py"]:
        (pkg / name).write_text("import pkg.web\n")
    (pkg / "ok_\u00e9t\u00e9.py").write_text("import pkg.web\n")
    raw = os.fsencode(pkg) + b"/bad\xff\xfename.py"
    with open(raw, "wb") as handle:  # a name that is not UTF-8
        handle.write(b"import pkg.web\n")
    (pkg / ("x" * 250 + ".py")).write_text("import pkg.web\n")


def binary_adrs(root: Path, scale: float) -> None:
    base(root)
    adr = root / "docs" / "adr"
    (adr / "0002-random.md").write_bytes(bytes(range(256)) * 64)
    (adr / "0003-nul.md").write_bytes(b"# 3. T\x00itle\n\n## Status\x00\n\nAccepted\x00\n")
    (adr / "0004-big.md").write_bytes(b"# 4. Big\n\n## Status\n\nAccepted\n" + b"x" * 5_000_000)
    (adr / "0005-utf16.md").write_bytes("# 5. Title\n".encode("utf-16"))


def many_rules(root: Path, scale: float) -> None:
    """10,000 rules with pathological globs over a package 30 levels deep; each glob is
    matched against every module and import; each fires once (the deepest module)."""
    count = max(int(10_000 * scale), 100)
    rules = [CONFIG]
    for i in range(count):
        rules.append(
            f'[[forbidden]]\nname = "r{i}"\nadr = "ADR-0001"\n'
            'from = ["pkg.**.**.**.**.d29.**"]\n'
            f'to = ["*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.**.x{i}", "pkg.**.**.**.web"]\n'
        )
    pkg = base(root, "\n".join(rules))
    deep = pkg
    for level in range(30):
        deep = deep / f"d{level}"
        deep.mkdir()
        (deep / "__init__.py").write_text("import pkg.web\nfrom pkg import core\n")


CASES: dict[str, Callable[[Path, float], None]] = {
    "50 MB file (over the limit)": big_file,
    "10 MB file (under the limit)": largest_file,
    "a million imports": million_imports,
    "5,000-deep nesting": deep_nesting,
    "invalid encodings": bad_encodings,
    "NUL bytes": nul_bytes,
    "symlink loops": symlink_loops,
    "FIFOs and devices": special_files,
    "odd file names": odd_names,
    "binary ADR files": binary_adrs,
    "10,000 rules, pathological globs": many_rules,
}
