"""`LazyPattern`: a regular expression compiled the first time it is used, not when its module is imported.

`dockgate check` on one file imports about a hundred rule modules, and most of
their patterns never run on that file (a file without LABELs needs no label
formats): compiling them all at import cost more than linting the file. So a
pattern kept at module level is written `NAME = LazyPattern(r"...", flags)`,
and a test keeps `re.compile` out of module level. Every module-level pattern
is compiled once by the tests, so a mistyped one still fails there, not in a
user's run.
"""

from __future__ import annotations

import re
import sys
from typing import Any, AnyStr, Callable, Generic, Iterator

_METHODS = ("match", "search", "fullmatch", "findall", "finditer", "sub", "split")


class LazyPattern(Generic[AnyStr]):
    """A pattern with the matching methods of `re.Pattern`, compiled on the first call of one."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[AnyStr]:
        compiled = re.compile(self.pattern, self.flags)
        # The compiled pattern's own methods now shadow this class's: later calls go straight to them.
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))
        return compiled

    def match(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled().match(string, pos, endpos)

    def search(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled().search(string, pos, endpos)

    def fullmatch(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        return self.compiled().fullmatch(string, pos, endpos)

    def findall(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled().findall(string, pos, endpos)

    def finditer(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[AnyStr]]:
        return self.compiled().finditer(string, pos, endpos)

    def sub(self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0) -> AnyStr:
        return self.compiled().sub(repl, string, count)

    def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]:
        return self.compiled().split(string, maxsplit)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"
