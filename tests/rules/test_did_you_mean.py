"""The edit distance behind BuildKit's "did you mean" and the ShellCheck header's near misses."""

from __future__ import annotations

import pytest

from dockgate.rules.common.did_you_mean import closest_name, edit_distance


@pytest.mark.parametrize(
    ("left", "right", "distance"),
    [("", "", 0), ("HTTP_PROXY", "HTTP_PROXY", 0), ("RTTP_PROXY", "HTTP_PROXY", 1), ("VERSOIN", "VERSION", 2), ("abc", "", 3)],
)
def test_edit_distance(left: str, right: str, distance: int) -> None:
    assert edit_distance(left, right) == distance
    assert edit_distance(left, right, distance) == distance


def test_a_limit_stops_at_a_number_above_it() -> None:
    assert edit_distance("APP_VERSION", "BUILD_DATE", 2) > 2
    assert edit_distance("APP_VERSION", "BUILD_DATE") >= edit_distance("APP_VERSION", "BUILD_DATE", 2)


def test_closest_name_is_the_first_within_two_edits() -> None:
    assert closest_name("VERSOIN", ["BUILD_DATE", "VERSION", "VERSIONS"]) == "VERSION"
    assert closest_name("VERSION", ["VERSION", "VERSON"]) is None
    assert closest_name("PORT", ["BUILD_DATE"]) is None
