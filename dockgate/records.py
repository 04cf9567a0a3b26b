"""`Record`: the base of dockgate's mutable records (the parsed model, shell commands, findings).

Value types are named tuples; mutable records are plain classes with `__slots__`
that derive from `Record` for value equality and a readable repr. Not dataclasses:
every start-up would import `dataclasses` (and with it `inspect`, about 8 ms) and
generate each class's methods (a fraction of a millisecond per class, for some
forty classes), where a run that finds its files in the result cache needs none
of them.
"""

from __future__ import annotations


class Record:
    """Equal to a record of the same class whose slots hold equal values; unhashable, as it is mutable.

    A subclass lists its fields in `__slots__` and sets each one in `__init__`.
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # A slot named with a leading underscore holds something worked out from the others: not shown.
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__ if not name.startswith("_"))
        return f"{type(self).__name__}({fields})"
