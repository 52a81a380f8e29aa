"""The picture of the architecture (``core.picture``) as Mermaid, Graphviz DOT or one
self-contained HTML page (inline SVG, CSS and script; nothing is fetched): for
``archrules graph`` (cli.graph) and the language server's ``archrules.server.graph`` command, which
the VS Code extension shows in a webview.

Layers are bands (top to bottom), components boxes, allowed imports grey, imports that break
a rule red with their count; each red link lists its imports (path:line:col, rule, message):
as comments in Mermaid, as a tooltip and a link in DOT, in a panel when clicked in HTML."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path

from archrules.core.picture import Box, Link, Picture, Site

GRAPH_FORMATS = ("mermaid", "dot", "html")
GREY = "#9e9e9e"
RED = "#d32f2f"


def render_picture(fmt: str, picture: Picture) -> str:
    renderers: dict[str, Callable[[Picture], str]] = {
        "mermaid": render_mermaid,
        "dot": render_dot,
        "html": render_html,
    }
    return renderers[fmt](picture)


# --- shared ------------------------------------------------------------------------------


def _ids(picture: Picture) -> dict[str, str]:
    """Node ids made of ASCII letters and digits: names are labels only, never syntax."""
    return {box.name: f"n{i}" for i, box in enumerate(picture.boxes)}


def shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _where(site: Site, root: Path) -> str:
    return f"{shown_path(site.path, root)}:{site.range.line + 1}:{site.range.col + 1}"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _box_detail(box: Box) -> str:
    if box.kind == "external":
        return "external package"
    what = _count(box.modules, "module")
    return what if box.kind == "component" else f"{what}, unconstrained"


def _link_label(link: Link) -> str:
    if not link.violations:
        return _count(link.imports, "import")
    indirect = all(site.indirect for site in link.violations)
    return _count(len(link.violations), "violation") + (" (indirect)" if indirect else "")


def _one_line(text: str) -> str:
    """No control character survives (a comment or a label stays on its line)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _site_line(site: Site, root: Path) -> str:
    how = " (indirect)" if site.indirect else ""
    return _one_line(
        f"{_where(site, root)} {site.importer} -> {site.imported} [{site.rule}{how}] {site.message}"
    )


def _outside_label(kind: str) -> str:
    return {
        "component": "components outside the layers",
        "group": "unconstrained modules",
        "external": "external packages",
    }[kind]


def _groups(picture: Picture) -> list[tuple[str, list[Box]]]:
    """The bands with their boxes, then the boxes in no band by kind."""
    groups: list[tuple[str, list[Box]]] = [(band.label, []) for band in picture.bands]
    rest: dict[str, list[Box]] = {}
    for box in picture.boxes:
        if box.band is not None:
            groups[box.band][1].append(box)
        else:
            rest.setdefault(box.kind, []).append(box)
    groups.extend(
        (_outside_label(kind), rest[kind])
        for kind in ("component", "group", "external")
        if kind in rest
    )
    return [(label, boxes) for label, boxes in groups if boxes]


# --- Mermaid -----------------------------------------------------------------------------


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: every character that Mermaid or HTML reads as syntax
    (quotes, ``#``, ``<``, ``>``, ``&``, backquotes, ``|``, brackets) as an entity code."""
    out: list[str] = []
    for ch in _one_line(text):
        if ch.isalnum() or ch in " .,:;_-+/()=?!'*@%~^$":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def render_mermaid(picture: Picture) -> str:
    ids = _ids(picture)
    root = picture.root
    lines = [
        f"%% archrules graph: {mermaid_comment(shown_path(picture.config, root))}",
        "%% grey: allowed imports; red: imports that break a rule (count on the arrow)",
        "flowchart TB",
    ]
    subgraphs: list[str] = []
    groups = _groups(picture)
    for index, (label, boxes) in enumerate(groups):
        subgraph = f"g{index}"
        subgraphs.append(subgraph)
        lines.append(f'  subgraph {subgraph}["{mermaid_text(label)}"]')
        lines.append("    direction LR")
        for box in boxes:
            text = f"{mermaid_text(box.name)}<br/>{mermaid_text(_box_detail(box))}"
            shape = ('(["', '"])') if box.kind == "external" else ('["', '"]')
            lines.append(f"    {ids[box.name]}{shape[0]}{text}{shape[1]}")
        lines.append("  end")
    # invisible links keep the bands in order, top to bottom: from each box of a band to
    # the first box of the next (the layout ranks nodes, not subgraphs)
    hidden = [
        f"  {ids[box.name]} ~~~ {ids[below[0].name]}"
        for (_, boxes), (_, below) in pairwise(groups)
        for box in boxes
    ]
    lines.extend(hidden)
    styles: dict[str, list[int]] = {"grey": [], "red": []}
    number = len(hidden)
    for link in picture.links:
        label = mermaid_text(_link_label(link))
        lines.append(f'  {ids[link.source]} -->|"{label}"| {ids[link.target]}')
        styles["red" if link.violations else "grey"].append(number)
        number += 1
        if link.violations:
            lines.append(f"  %% {mermaid_comment(link.source)} -> {mermaid_comment(link.target)}:")
            lines.extend(f"  %%   {mermaid_comment(_site_line(s, root))}" for s in link.violations)
    if styles["grey"]:
        lines.append(f"  linkStyle {','.join(map(str, styles['grey']))} stroke:{GREY},color:{GREY}")
    if styles["red"]:
        red = ",".join(map(str, styles["red"]))
        lines.append(f"  linkStyle {red} stroke:{RED},stroke-width:2px,color:{RED}")
    lines.append("  classDef external stroke-dasharray: 4 3")
    externals = [ids[b.name] for b in picture.boxes if b.kind == "external"]
    if externals:
        lines.append(f"  class {','.join(externals)} external")
    for note in picture.notes:
        lines.append(f"%% note: {mermaid_comment(note)}")
    return "\n".join(lines) + "\n"


def mermaid_comment(text: str) -> str:
    """A ``%%`` comment ends at the line's end; ``%%{`` would start a directive."""
    return _one_line(text).replace("%%{", "%% {")


# --- DOT ---------------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """A double-quoted DOT string: backslash and quote escaped (backslash sequences such as
    ``\\N`` are read by Graphviz in labels, so a backslash is doubled), ``&`` written as an
    entity (Graphviz decodes ``&amp;`` in labels), one line."""
    text = _one_line(text).replace("&", "&amp;")  # Graphviz reads entities in labels
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _file_url(path: Path) -> str:
    return path.as_uri() if path.is_absolute() else path.as_posix()


def render_dot(picture: Picture) -> str:
    ids = _ids(picture)
    root = picture.root
    lines = [
        "digraph archrules {",
        f"  graph [rankdir=TB, newrank=true, fontname=Helvetica, labelloc=t, "
        f"label={dot_text('archrules graph: ' + shown_path(picture.config, root))}];",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname=Helvetica];',
        f'  edge [color="{GREY}", fontname=Helvetica, fontsize=10];',
    ]
    for index, (label, boxes) in enumerate(_groups(picture)):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label={dot_text(label)}; style="rounded,filled"; fillcolor="#f5f5f5";')
        if index < len(picture.bands):
            lines.append("    rank=same;")
        for box in boxes:
            style = ', style="rounded,dashed"' if box.kind == "external" else ""
            tooltip = ", ".join(box.rules) or "named by no rule"
            box_attrs = f"label={_dot_label(box)}{style}, tooltip={dot_text(tooltip)}"
            lines.append(f"    {ids[box.name]} [{box_attrs}];")
        lines.append("  }")
    # invisible edges keep the bands in order, top to bottom
    firsts = [ids[boxes[0].name] for _, boxes in _groups(picture)]
    lines.extend(f"  {a} -> {b} [style=invis, weight=10];" for a, b in pairwise(firsts))
    for link in picture.links:
        attrs = [f"label={dot_text(_link_label(link))}"]
        if link.violations:
            # an upward import must not turn the layers upside down
            attrs.append("constraint=false")
            tip = "\n".join(_site_line(s, root) for s in link.violations)
            attrs += [
                f'color="{RED}"',
                f'fontcolor="{RED}"',
                "penwidth=2",
                f"tooltip={_dot_multiline(tip)}",
                f"URL={dot_text(_file_url(link.violations[0].path))}",
            ]
            if all(s.indirect for s in link.violations):
                attrs.append("style=dashed")
        else:
            attrs.append(f'fontcolor="{GREY}"')
        lines.append(f"  {ids[link.source]} -> {ids[link.target]} [{', '.join(attrs)}];")
    lines.extend(f"  // note: {_one_line(note)}" for note in picture.notes)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_label(box: Box) -> str:
    """Two lines: the name, then the detail (``\\n`` is Graphviz's line break)."""
    return dot_text(box.name)[:-1] + "\\n" + dot_text(_box_detail(box))[1:]


def _dot_multiline(text: str) -> str:
    return "\\n".join(dot_text(line)[1:-1] for line in text.split("\n")).join('""')


# --- HTML --------------------------------------------------------------------------------

BOX_H = 46
BOX_GAP = 28
ROW_GAP = 34
BAND_PAD = 16
BAND_HEAD = 26
MAX_ROW = 1280
CHAR_W = 8.2  # a bold 13px character, generously
DETAIL_W = 6.6


@dataclass
class _Placed:
    box: Box
    x: float
    y: float
    w: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


def _layout(
    picture: Picture,
) -> tuple[list[tuple[str, float, float, float]], dict[str, _Placed], float, float]:
    """Bands top to bottom, boxes in centred rows inside each; (bands as (label, y, height,
    width), boxes by name, width, height)."""
    grouped: list[tuple[str, list[list[tuple[Box, float]]]]] = []
    widest = 0.0
    for label, boxes in _groups(picture):
        rows: list[list[tuple[Box, float]]] = [[]]
        row_w = 0.0
        for box in boxes:
            w = max(120.0, CHAR_W * len(box.name) + 28, DETAIL_W * len(_box_detail(box)) + 24)
            if rows[-1] and row_w + w > MAX_ROW:
                rows.append([])
                row_w = 0.0
            rows[-1].append((box, w))
            row_w += w + BOX_GAP
            widest = max(widest, row_w - BOX_GAP)
        widest = max(widest, CHAR_W * len(label))
        grouped.append((label, rows))
    band_w = max(560.0, widest + 2 * BAND_PAD)
    bands: list[tuple[str, float, float, float]] = []
    placed: dict[str, _Placed] = {}
    y = 20.0
    for label, rows in grouped:
        top = y
        y += BAND_HEAD
        for row in rows:
            row_w = sum(w for _, w in row) + BOX_GAP * (len(row) - 1)
            x = 40.0 + (band_w - row_w) / 2
            for box, w in row:
                placed[box.name] = _Placed(box, x, y, w)
                x += w + BOX_GAP
            y += BOX_H + ROW_GAP
        height = y - top - ROW_GAP + BAND_PAD
        bands.append((label, top, height, band_w))
        y = top + height + 46
    return bands, placed, band_w + 80, y


def _edge_path(a: _Placed, b: _Placed, offset: float) -> tuple[str, float, float]:
    """A curve from box a to box b, and the point for its label."""
    if a.box.name == b.box.name:  # pragma: no cover - links join two boxes
        raise ValueError("a link joins two boxes")
    ax = a.cx + max(-a.w / 3, min(a.w / 3, (b.cx - a.cx) / 8)) + offset
    bx = b.cx + max(-b.w / 3, min(b.w / 3, (a.cx - b.cx) / 8)) + offset
    if abs(a.y - b.y) < 1:  # same row: rightwards arcs above, leftwards below
        lift = 30 + min(120, abs(ax - bx) / 6)
        y, lift = (a.y, lift) if ax < bx else (a.y + BOX_H, -lift)
        path = (
            f"M{ax:.1f},{y:.1f} C{ax:.1f},{y - lift:.1f} {bx:.1f},{y - lift:.1f} {bx:.1f},{y:.1f}"
        )
        return path, (ax + bx) / 2, y - lift * 0.75
    if b.y > a.y:  # downwards
        y1, y2 = a.y + BOX_H, b.y
    else:
        y1, y2 = a.y, b.y + BOX_H
    bend = max(30.0, abs(y2 - y1) / 2.5)
    sign = 1 if y2 > y1 else -1
    path = (
        f"M{ax:.1f},{y1:.1f} C{ax:.1f},{y1 + sign * bend:.1f} "
        f"{bx:.1f},{y2 - sign * bend:.1f} {bx:.1f},{y2:.1f}"
    )
    return path, (ax + bx) / 2, (y1 + y2) / 2


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _marker(name: str, colour: str, size: int) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" '
        f'markerHeight="{size}" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _svg(picture: Picture) -> str:
    bands, placed, width, height = _layout(picture)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="archrules architecture graph">',
        "<defs>",
        _marker("arrow-grey", GREY, 7),
        _marker("arrow-red", RED, 6),
        "</defs>",
    ]
    for label, top, h, w in bands:
        out.append(
            f'<g class="band"><rect x="40" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8"/>'
            f'<text x="{40 + BAND_PAD}" y="{top + 18:.1f}">{_e(label)}</text></g>'
        )
    # grey first, red on top; each link's endpoints spread by its index at the source
    ordered = sorted(enumerate(picture.links), key=lambda item: bool(item[1].violations))
    fan: dict[str, int] = {}
    labels: list[str] = []
    for index, link in ordered:
        a, b = placed[link.source], placed[link.target]
        spread = fan.get(link.source, 0)
        fan[link.source] = spread + 1
        offset = ((spread % 5) - 2) * 3.0
        path, lx, ly = _edge_path(a, b, offset)
        red = bool(link.violations)
        kind = "violation" if red else "allowed"
        dashed = " indirect" if red and all(s.indirect for s in link.violations) else ""
        title = f"{link.source} -> {link.target}: {_link_label(link)}"
        if red:
            title += f" ({', '.join(link.rules)}); click for the imports"
        width_px = 2.5 if red else max(1.0, min(4.0, 0.6 + math.log2(1 + link.imports) / 2))
        out.append(
            f'<g class="link {kind}{dashed}" data-link="{index}" data-source="{_e(link.source)}" '
            f'data-target="{_e(link.target)}" tabindex="0"><title>{_e(title)}</title>'
            f'<path class="hit" d="{path}"/>'
            f'<path class="line" d="{path}" stroke-width="{width_px:.1f}" '
            f'marker-end="url(#arrow-{"red" if red else "grey"})"/></g>'
        )
        if red:
            text = str(len(link.violations))
            pill = 10 + 7 * len(text)
            labels.append(
                f'<g class="count" data-link="{index}"><title>{_e(title)}</title>'
                f'<rect x="{lx - pill / 2:.1f}" y="{ly - 10:.1f}" width="{pill:.1f}" '
                f'height="20" rx="10"/>'
                f'<text x="{lx:.1f}" y="{ly + 4:.1f}">{text}</text></g>'
            )
    out.extend(labels)
    for name, p in placed.items():
        box = p.box
        rules = ", ".join(box.rules) or "named by no rule"
        out.append(
            f'<g class="box {box.kind}" data-box="{_e(name)}" tabindex="0">'
            f"<title>{_e(name)}: {_e(_box_detail(box))}; rules: {_e(rules)}</title>"
            f'<rect x="{p.x:.1f}" y="{p.y:.1f}" width="{p.w:.1f}" height="{BOX_H}" rx="6"/>'
            f'<text class="name" x="{p.cx:.1f}" y="{p.y + 19:.1f}">{_e(name)}</text>'
            f'<text class="detail" x="{p.cx:.1f}" y="{p.y + 35:.1f}">'
            f"{_e(_box_detail(box))}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _site_data(site: Site, root: Path) -> dict[str, object]:
    return {
        "where": _where(site, root),
        "path": str(site.path),
        "url": _file_url(site.path),
        "line": site.range.line,
        "col": site.range.col,
        "importer": site.importer,
        "imported": site.imported,
        "rule": site.rule,
        "severity": site.severity,
        "message": site.message,
        "indirect": site.indirect,
    }


def _data(picture: Picture) -> str:
    root = picture.root
    links = [
        {
            "source": link.source,
            "target": link.target,
            "imports": link.imports,
            "rules": list(link.rules),
            "violations": [_site_data(s, root) for s in link.violations],
            "examples": [_site_data(s, root) for s in link.examples],
        }
        for link in picture.links
    ]
    text = json.dumps({"links": links}, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    # inside <script>: no "</" may end it early, no "<!--" may open a comment
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    """An inline part of the HTML page, shipped in the package (render/assets/)."""
    return (resources.files("archrules.render") / "assets" / name).read_text(encoding="utf-8")


def render_html(picture: Picture) -> str:
    title = f"archrules: {picture.root.name or picture.root.as_posix()}"
    violations = picture.violation_count
    summary = (
        f"{_count(len(picture.boxes), 'box', 'boxes')}, "
        f"{_count(len(picture.links), 'dependency', 'dependencies')}, "
        f"{_count(violations, 'violating import')}"
    )
    notes = "".join(f'<p class="notes">{_e(note)}</p>' for note in picture.notes)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # nothing is fetched: no network, inline style and script only
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{_e(title)}</title>\n<style>{_asset('graph.css')}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1><span>{_e(summary)}</span>"
        '<span class="legend"><span><i class="swatch"></i>allowed</span>'
        '<span><i class="swatch red"></i>breaks a rule (count)</span>'
        '<span><i class="swatch red dashed"></i>indirect</span></span>'
        '<label><input type="checkbox" id="show-allowed" checked> allowed dependencies</label>'
        "<span>Click a red arrow for its imports, a box to focus it.</span></header>\n"
        f'{notes}<main><div id="canvas">\n{_svg(picture)}\n</div>'
        '<aside id="panel" hidden></aside></main>\n'
        f'<script type="application/json" id="archrules-data">{_data(picture)}</script>\n'
        f"<script>{_asset('graph.js')}</script>\n</body>\n</html>\n"
    )
