"""One target under atheris: `python -m tests.fuzz.atheris_main TARGET [libFuzzer options and corpus dirs]`.

dockgate is instrumented for coverage, so libFuzzer steers toward inputs that reach new code.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["dockgate"]):
    from .targets import TARGETS


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
