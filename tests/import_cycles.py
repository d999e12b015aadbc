"""Finding import circles in a graph of modules (module -> the modules it imports), for the
tests that hold a package's modules to depending on each other one way only."""

from __future__ import annotations


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import path that closes on itself for each circle found (depth-first search:
    a module met again while it is still being followed closes a circle)."""
    state: dict[str, str] = {}  # "open" while being followed, "done" after
    path: list[str] = []
    found: list[list[str]] = []

    def follow(name: str) -> None:
        state[name] = "open"
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                follow(other)
        path.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            follow(name)
    return found
