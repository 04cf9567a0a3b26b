"""`dockgate server`: the language server, over standard input and output."""

from __future__ import annotations

import argparse

from dockgate.cli.output import EXIT_CLEAN


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("server", help="run the language server (LSP over stdio) for editors")
    command.add_argument("--debug", action="store_true")
    command.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # pygls is imported only here, so the other commands never pay for it.
    from dockgate.lsp.server import build_server

    build_server().start_io()
    return EXIT_CLEAN
