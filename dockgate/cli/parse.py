"""`dockgate parse`: print the parse tree of a Dockerfile."""

from __future__ import annotations

import argparse
import sys

from dockgate.cli.output import EXIT_CLEAN, EXIT_FINDINGS, write
from dockgate.dockerfile.model import DockerfileSyntaxError
from dockgate.dockerfile.parser import parse
from dockgate.dockerfile.source import read_source, read_stream
from dockgate.reporters.trees import TREE_FORMATS, render_tree


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("parse", help="print the parse tree of a Dockerfile")
    command.add_argument("path", metavar="FILE", help="a Dockerfile, or - for standard input")
    command.add_argument("--format", "-f", default="json", choices=tuple(TREE_FORMATS))
    command.add_argument("--debug", action="store_true")
    command.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    source = read_stream(sys.stdin.buffer) if args.path == "-" else read_source(args.path)
    try:
        document = parse(source.text)
    except DockerfileSyntaxError as error:
        print(f"{args.path}:{error.span.line}:{error.span.column}: {error.message}", file=sys.stderr)
        return EXIT_FINDINGS
    write(render_tree(args.format, document).rstrip("\n"), None)
    return EXIT_CLEAN
