"""The `dockgate` command: `check` (the main job), `image`, `parse`, `rules` and `server`.

Exit codes, the same whatever the output format:
  0  no finding at or above the failure threshold
  1  findings at or above it (`parse`: the file does not parse)
  2  usage, configuration, input/output or internal error (one line on stderr;
     a traceback only with --debug)

Each command is a module of this package with `add_command(commands)` and
`run(args) -> exit code`; a command's module is imported only when it runs,
so `dockgate check` never loads the image code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from dockgate import __version__
from dockgate.cli.output import EXIT_ERROR
from dockgate.errors import UserError

COMMANDS = ("check", "image", "parse", "rules", "server")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for `command` alone, or for every command (None: `--help`, `--version`)."""
    parser = argparse.ArgumentParser(
        prog="dockgate",
        description="Dockerfile linter and security analyzer.",
        epilog="Run `dockgate check` in a repository to lint every Dockerfile in it.",
    )
    parser.add_argument("--version", action="version", version=f"dockgate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if command is None or name == command:
            importlib.import_module(f"dockgate.cli.{name}").add_command(commands)
    # With a command named, the others are left out: each parser costs argparse several
    # translation look-ups, and a pre-commit hook pays for every one on every call.
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # `dockgate` and `dockgate Dockerfile` mean `dockgate check ...`.
    if not words or words[0] not in (*COMMANDS, "-h", "--help", "--version"):
        words.insert(0, "check")
    command = words[0] if words[0] in COMMANDS else None
    args = build_parser(command).parse_args(words)
    try:
        exit_code: int = args.handler(args)
        return exit_code
    except UserError as error:
        print(f"dockgate: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`dockgate check | head`): nothing more to say.
        sys.stderr.close()
        return EXIT_ERROR
    except Exception as error:  # the edge where a bug becomes one clear line
        if getattr(args, "debug", False):
            raise
        print(f"dockgate: internal error: {type(error).__name__}: {error} (run with --debug for a traceback)", file=sys.stderr)
        return EXIT_ERROR
