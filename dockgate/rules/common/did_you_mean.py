"""The "did you mean" suggestion BuildKit adds to UndefinedArgInFrom and UndefinedVar.

Not a rule: a helper for the BuildKit family, mirroring moby/buildkit
util/suggest Search (Levenshtein distance below 3, first closest wins, an
exact match means no suggestion).

`edit_distance` serves other near-miss checks as well (the ShellCheck header's).
"""

from typing import Iterable


def edit_distance(left: str, right: str, limit: int | None = None) -> int:
    """The Levenshtein distance between the two; with a `limit`, any number above it as soon as
    the distance is known to exceed it."""
    previous = list(range(len(right) + 1))
    for row, left_char in enumerate(left, 1):
        current = [row]
        for column, right_char in enumerate(right, 1):
            current.append(
                min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (left_char != right_char))
            )
        if limit is not None and min(current) > limit:
            return min(current)
        previous = current
    return previous[-1]


def closest_name(name: str, options: Iterable[str]) -> str | None:
    """The option BuildKit suggests for a misspelt `name` (case-sensitive, as on Linux), or None."""
    match, best = None, 3
    for option in options:
        if option == name:
            return None
        distance = edit_distance(name, option, best - 1)
        if distance < best:
            match, best = option, distance
    return match
