"""`dockgate check`: lint Dockerfiles (the main job)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockgate.api import lint_paths
from dockgate.cli.progress import terminal_progress
from dockgate.cli.run_options import add_cache_options, add_run_options, cache_directory, configuration, finish_run
from dockgate.errors import UsageError


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="lint Dockerfiles (default: every Dockerfile below the current directory)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - reads standard input")
    add_run_options(check)
    add_cache_options(check)
    check.add_argument("--context", metavar="DIR", help="the build context of every linted file (default: each Dockerfile's folder)")
    check.add_argument("--stdin-filename", metavar="NAME", help="the name to report for standard input")
    check.add_argument("--trusted-registry", action="append", default=[], metavar="REGISTRY")
    check.add_argument("--require-label", action="append", default=[], metavar="NAME:TYPE")
    check.add_argument("--strict-labels", action="store_true")
    check.add_argument("--disable-ignore-pragma", action="store_true", help="ignore `# dockgate: ignore` and `# hadolint ignore` comments")
    check.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    resolver = configuration(
        args,
        trusted_registries=list(args.trusted_registry),
        require_labels=list(args.require_label),
        strict_labels=args.strict_labels,
        disable_ignore_pragma=args.disable_ignore_pragma,
    )
    build_context = Path(args.context) if args.context else None
    if build_context is not None and not build_context.is_dir():
        raise UsageError(f"--context {args.context}: not a directory")
    progress = terminal_progress()
    try:
        result = lint_paths(
            args.paths,
            resolver,
            build_context=build_context,
            stdin=sys.stdin.buffer,
            stdin_filename=args.stdin_filename,
            cache_dir=cache_directory(args),
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    return finish_run(args, result)
