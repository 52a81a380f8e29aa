"""Graph algorithms over the module import graph: strongly connected components,
reachability summaries and shortest chains. All iterative: no recursion limit to hit on
long import chains."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping

Successors = Mapping[str, Iterable[str]]


def strongly_connected(
    nodes: Iterable[str], succ: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Tarjan's algorithm; components come out sinks first (reverse topological order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(succ(start)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result


def reach_masks(
    free: Iterable[str],
    succ: Callable[[str], Iterable[str]],
    is_free: Callable[[str], bool],
    target_bits: Callable[[str], int],
    known: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """For every free node: the union of ``target_bits`` of the non-free nodes it reaches
    through free nodes only. Bits of free nodes themselves are not collected.

    ``known``: the masks of free nodes outside ``free`` (they are not searched again),
    for recomputing only the nodes whose reach may have changed."""
    masks: dict[str, int] = {}
    todo = set(free) if known is not None else None

    def free_succ(node: str) -> Iterable[str]:
        return (n for n in succ(node) if is_free(n) and (todo is None or n in todo))

    for component in strongly_connected(todo if todo is not None else free, free_succ):
        mask = 0
        members = set(component)
        for node in component:
            for nxt in succ(node):
                if nxt in members:
                    continue
                if nxt in masks:  # searched before it: components come sinks first
                    mask |= masks[nxt]
                elif is_free(nxt):
                    mask |= (known or {})[nxt]
                else:
                    mask |= target_bits(nxt)
        for node in component:
            masks[node] = mask
    return masks


def shortest_path(
    start: str,
    succ: Callable[[str], Iterable[str]],
    through: Callable[[str], bool],
    goal: Callable[[str], bool],
) -> list[str] | None:
    """Breadth-first: the shortest path start -> ... -> g where g satisfies ``goal`` and
    every node strictly between satisfies ``through``. ``start`` itself is not tested."""
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(succ(node)):
            if nxt in parent:
                continue
            parent[nxt] = node
            if goal(nxt):
                path = [nxt]
                back: str | None = node
                while back is not None:
                    path.append(back)
                    back = parent[back]
                path.reverse()
                return path
            if through(nxt):
                queue.append(nxt)
    return None
