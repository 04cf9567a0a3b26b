"""`dockgate check`: lint Dockerfiles (the main job), fix them (`--fix`, `--diff`) or silence them (`--add-noqa`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockgate.api import FixRunResult, NoqaRunResult, add_noqa_paths, fix_paths, lint_paths
from dockgate.cli.output import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from dockgate.cli.progress import terminal_progress
from dockgate.cli.run_options import (
    add_cache_options,
    add_run_options,
    cache_directory,
    configuration,
    finish_run,
    show_notices,
)
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
    check.add_argument(
        "--target", metavar="STAGE", help="the stage the build produces, as in docker build --target (default: the final stage)"
    )
    check.add_argument("--disable-ignore-pragma", action="store_true", help="ignore `# dockgate: ignore` and `# hadolint ignore` comments")
    check.add_argument(
        "--include-suppressed",
        action="store_true",
        help="keep the findings that ignore comments suppress in SARIF, marked as suppressed in the source (other formats leave them out)",
    )
    fixing = check.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes to the files (standard input: print the fixed text, the report goes to stderr)")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too")
    fixing.add_argument("--diff", action="store_true", help="print a unified diff of what --fix would do instead of a report; write nothing; exit 1 when there is a diff")
    fixing.add_argument(
        "--add-noqa", action="store_true", help="add an ignore comment above every instruction with findings, instead of a report"
    )
    check.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    _check_fix_options(args)
    resolver = configuration(
        args,
        trusted_registries=list(args.trusted_registry),
        require_labels=list(args.require_label),
        strict_labels=args.strict_labels,
        disable_ignore_pragma=args.disable_ignore_pragma,
        target=args.target,
    )
    build_context = Path(args.context) if args.context else None
    if build_context is not None and not build_context.is_dir():
        raise UsageError(f"--context {args.context}: not a directory")
    inputs = {"build_context": build_context, "stdin": sys.stdin.buffer, "stdin_filename": args.stdin_filename}
    if args.add_noqa:
        return _add_noqa(add_noqa_paths(args.paths, resolver, **inputs))
    if args.diff:
        return _diff(fix_paths(args.paths, resolver, unsafe=args.unsafe_fixes, **inputs))
    if args.fix:
        return _fix(args, fix_paths(args.paths, resolver, unsafe=args.unsafe_fixes, **inputs))
    progress = terminal_progress()
    try:
        result = lint_paths(
            args.paths, resolver, cache_dir=cache_directory(args), progress=progress, include_suppressed=args.include_suppressed, **inputs
        )
    finally:
        if progress is not None:
            progress.close()
    return finish_run(args, result)


def _check_fix_options(args: argparse.Namespace) -> None:
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    if args.add_noqa and (args.fix or args.diff):
        raise UsageError("--add-noqa cannot be combined with --fix or --diff: fix first, then silence what remains")
    if args.add_noqa and args.disable_ignore_pragma:
        raise UsageError("--add-noqa writes ignore comments, which --disable-ignore-pragma would not read")
    if (args.diff or args.add_noqa) and (args.format or args.output):
        option = "--diff" if args.diff else "--add-noqa"
        raise UsageError(f"{option} writes no report, so --format and --output do not apply")


def _fix(args: argparse.Namespace, result: FixRunResult) -> int:
    """Write the fixed files, report what remains, and say what was fixed."""
    from dockgate.cli.rewriting import write_changed  # with difflib and tempfile: only when fixing

    written, problems = write_changed(result.files)
    result.problems.extend(problems)
    reads_stdin = any(file.path is None for file in result.files)
    exit_code = finish_run(args, result, report_stream=sys.stderr if reads_stdin else None)
    print(f"dockgate: {fix_summary(result, written, would=False)}", file=sys.stderr)
    return exit_code


def _diff(result: FixRunResult) -> int:
    """Print what --fix would change; exit 1 when it would change something."""
    from dockgate.cli.rewriting import unified_diff

    show_notices(result.notices, result.problems)
    diff = unified_diff(result.files)
    sys.stdout.write(diff)
    sys.stdout.flush()
    changed = sum(1 for file in result.files if file.changed)
    print(f"dockgate: {fix_summary(result, changed, would=True)}", file=sys.stderr)
    if result.problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if diff else EXIT_CLEAN


def fix_summary(result: FixRunResult, files: int, *, would: bool) -> str:
    """`Fixed 3 findings in 2 files; 4 remain; 1 more with --unsafe-fixes.` (or `Would fix ...`)."""
    parts = [
        f"{'Would fix' if would else 'Fixed'} {_count(result.fixed, 'finding')} in {_count(files, 'file')}",
        f"{len(result.findings)} {'would remain' if would else 'remain' if len(result.findings) != 1 else 'remains'}",
    ]
    if result.unsafe_fixable:
        parts.append(f"{result.unsafe_fixable} more with --unsafe-fixes")
    return "; ".join(parts) + "."


def _add_noqa(result: NoqaRunResult) -> int:
    """Write the files with their new ignore comments and say how many were added."""
    from dockgate.cli.rewriting import write_changed

    written, problems = write_changed(result.files)
    result.problems.extend(problems)
    show_notices(result.notices, result.problems)
    print(f"dockgate: {noqa_summary(result, written)}", file=sys.stderr)
    return EXIT_ERROR if result.problems else EXIT_CLEAN


def noqa_summary(result: NoqaRunResult, files: int) -> str:
    """`Added 3 ignore comments and extended 1 in 2 files, silencing 5 findings; 1 cannot be silenced by a comment.`"""
    added = sum(file.added for file in result.files)
    extended = sum(file.extended for file in result.files)
    summary = f"Added {_count(added, 'ignore comment')}"
    if extended:
        summary += f" and extended {extended}"
    summary += f" in {_count(files, 'file')}, silencing {_count(result.suppressed, 'finding')}"
    unsilenced = len(result.findings) - result.suppressed
    if unsilenced:
        summary += f"; {unsilenced} cannot be silenced by a comment (a parse error, or not in an instruction)"
    return summary + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
