"""`Record`: value equality over the slots, only with the same class; unhashable; a readable repr."""

from __future__ import annotations

import pytest

from dockgate.records import Record


class Point(Record):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class OtherPoint(Record):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


def test_records_with_equal_values_are_equal() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)


def test_a_record_never_equals_another_class_with_the_same_values() -> None:
    assert Point(1, 2) != OtherPoint(1, 2)
    assert Point(1, 2) != (1, 2)


def test_a_changed_record_compares_by_its_new_values() -> None:
    point = Point(1, 2)
    point.y = 3
    assert point == Point(1, 3)


def test_records_are_unhashable() -> None:
    with pytest.raises(TypeError):
        hash(Point(1, 2))


def test_repr_names_the_class_and_every_field() -> None:
    assert repr(Point(1, "a")) == "Point(x=1, y='a')"  # type: ignore[arg-type]


class Cached(Record):
    __slots__ = ("value", "_worked_out")

    def __init__(self, value: int) -> None:
        self.value = value
        self._worked_out = value * 2


def test_repr_leaves_out_the_private_slots() -> None:
    assert repr(Cached(1)) == "Cached(value=1)"
