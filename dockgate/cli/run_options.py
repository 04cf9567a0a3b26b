"""What `check` and `image` share: their options, the configuration they make, and how a run ends."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence, TextIO

from dockgate.api import LintResult
from dockgate.cli.output import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, write
from dockgate.engine.cache import (
    DEFAULT_CACHE_DIR_NAME,
    ValidatedConfigFiles,
    default_cache_dir,
)
from dockgate.engine.registry import dockerfile_rule_metas
from dockgate.engine.selectors import rules_for_selectors, unknown_selector
from dockgate.errors import UsageError
from dockgate.reporters import FORMATS, Report, render
from dockgate.rule_api.config import ConfigError, ConfigResolver, load_config

STDIN_SARIF_NOTICE = (
    "SARIF results from standard input name the file '-', which GitHub cannot place in the repository; "
    "give --stdin-filename PATH"
)


def add_run_options(command: argparse.ArgumentParser) -> None:
    """The options `check` and `image` share: output, configuration, rule selection, exit status."""
    command.add_argument(
        "--format",
        "--output-format",
        "-f",
        action="append",
        default=[],
        metavar="FORMAT[=FILE]",
        help=f"output format, repeatable; FORMAT=FILE writes that one to FILE (formats: {', '.join(FORMATS)}; default text)",
    )
    command.add_argument("--output", "-o", metavar="FILE", help="write the report (the format given without =FILE) here instead of standard output")
    command.add_argument("--source-root", metavar="DIR", help="report paths relative to DIR (default: the git work tree's top level, else the current directory)")
    command.add_argument("--source-url", metavar="URL", help="where the source root can be browsed (e.g. a commit on GitHub); the github-summary format links lines there")
    command.add_argument("--config", "-c", metavar="FILE", help=".dockgate.toml, pyproject.toml or .hadolint.yaml")
    command.add_argument("--no-config", action="store_true", help="ignore every configuration file")
    command.add_argument("--select", action="append", default=[], metavar="RULES", help="only these rules (codes, names, aliases or prefixes, comma-separated)")
    command.add_argument("--ignore", action="append", default=[], metavar="RULES", help="leave these rules out")
    command.add_argument("--level", action="append", default=[], metavar="RULE=LEVEL", help="set a rule's level (error, warning, info, style, off)")
    for level in ("error", "warning", "info", "style"):
        command.add_argument(f"--{level}", action="append", default=[], metavar="RULE", help=f"report RULE at level {level} (hadolint's flag)")
    command.add_argument("--no-shellcheck", action="store_true", help="skip the ShellCheck pass (the SC codes)")
    command.add_argument("--failure-threshold", "-t", metavar="LEVEL", help="fail on findings at or above LEVEL (default: info)")
    command.add_argument("--no-fail", action="store_true", help="exit 0 even when there are findings")
    command.add_argument("--sarif-category", metavar="ID", help="SARIF run.automationDetails.id, to keep uploads apart")
    command.add_argument(
        "--sarif-rules",
        choices=("fired", "all"),
        default="fired",
        help="which rules SARIF describes in driver.rules: those the results name (default, a smaller log) or every enabled rule",
    )
    command.add_argument("--no-color", action="store_true", help="no ANSI colours (NO_COLOR in the environment too)")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def add_cache_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--no-cache", action="store_true", help="lint every file afresh, and keep nothing")
    command.add_argument("--cache-dir", metavar="DIR", help=f"keep findings here (default: {DEFAULT_CACHE_DIR_NAME} at the project root)")


def cache_directory(args: argparse.Namespace) -> Path | None:
    """Where the run keeps findings: --cache-dir, else `.dockgate_cache` at the project root; None with --no-cache."""
    if args.no_cache:
        return None
    if args.cache_dir:
        directory = Path(args.cache_dir)
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"--cache-dir {args.cache_dir}: not a directory")
        return directory
    return default_cache_dir(Path.cwd())


def split_list(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def configuration(args: argparse.Namespace, **extra_overrides: object) -> ConfigResolver:
    """The run's configuration: the files (or --config / --no-config) with the command line on top."""
    levels: dict[str, str] = {}
    for level in ("error", "warning", "info", "style"):
        for code in split_list(getattr(args, level)):
            levels[code] = level
    for assignment in args.level:
        selector, equals, level = assignment.partition("=")
        if not equals:
            raise UsageError(f"--level takes RULE=LEVEL, not {assignment!r}")
        levels[selector.strip()] = level.strip()
    _check_option_selectors({
        "--select": split_list(args.select),
        "--ignore": split_list(args.ignore),
        "--error/--warning/--info/--style/--level": list(levels),
    })
    overrides: dict[str, object] = {
        "select": split_list(args.select),
        "ignore": split_list(args.ignore) + (["SC"] if args.no_shellcheck else []),
        "levels": levels,
        "no_fail": args.no_fail,
        "failure_threshold": args.failure_threshold,
        **extra_overrides,
    }
    # A run that keeps a cache also keeps the configuration files it validated (`check`; `image` has no cache).
    cache_dir = cache_directory(args) if hasattr(args, "no_cache") else None
    validated = ValidatedConfigFiles(cache_dir) if cache_dir is not None else None
    return load_config(Path(args.config) if args.config else None, args.no_config, overrides, validated)


def _check_option_selectors(selectors_by_option: dict[str, list[str]]) -> None:
    """A rule selector on the command line that names no rule is a configuration error (exit 2)."""
    given = [selector for selectors in selectors_by_option.values() for selector in selectors]
    if not given:
        return
    metas = rules_for_selectors(given, dockerfile_rule_metas())
    for option, selectors in selectors_by_option.items():
        for selector in selectors:
            problem = unknown_selector(selector, metas)
            if problem is not None:
                raise ConfigError(f"{option}: {problem}")


def output_formats(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """Each `--format` as (format, file); file None is standard output, or --output."""
    outputs: list[tuple[str, str | None]] = []
    for given in args.format or ["text"]:
        name, equals, file = given.partition("=")
        name = name.strip()
        if name not in FORMATS:
            raise UsageError(f"unknown output format {name!r}; choose one of: {', '.join(FORMATS)}")
        if equals and not file:
            raise UsageError(f"--format {given}: give a file after '='")
        outputs.append((name, file if equals else args.output))
    unnamed = [name for name, file in outputs if file is None or file == args.output]
    if len(unnamed) > 1:
        raise UsageError(f"only one format can go to {args.output or 'standard output'}; give the others a file, as in --format {unnamed[-1]}=report.{unnamed[-1]}")
    return outputs


def source_root(args: argparse.Namespace) -> Path:
    """--source-root, else the top of the git work tree around the current directory, else the current directory."""
    if args.source_root:
        root = Path(args.source_root)
        if not root.is_dir():
            raise UsageError(f"--source-root {args.source_root}: not a directory")
        return root.resolve()
    working_directory = Path.cwd()
    for directory in (working_directory, *working_directory.parents):
        if (directory / ".git").exists():
            return directory
    return working_directory


def finish_run(
    args: argparse.Namespace,
    result: LintResult,
    *,
    checked_noun: tuple[str, str] = ("file", "files"),
    sarif_category: str | None = None,
    report_stream: TextIO | None = None,
) -> int:
    """Show notices and problems on stderr, write each report, and give the exit code.

    `report_stream` takes the reports meant for standard output (`check --fix -`
    writes the fixed text there, so its report goes to standard error).
    """
    outputs = output_formats(args)
    notices = list(dict.fromkeys(result.notices))
    reads_stdin = "-" in getattr(args, "paths", ()) and not getattr(args, "stdin_filename", None)
    if reads_stdin and any(name == "sarif" for name, _ in outputs):
        notices.append(STDIN_SARIF_NOTICE)
    show_notices(notices, result.problems)
    report = Report(
        rules=result.rules,
        files_checked=result.checked,
        checked_noun=checked_noun,
        sarif_category=args.sarif_category or sarif_category,
        sarif_rules=args.sarif_rules,
        suppressed_findings=tuple(result.suppressed_findings),
        root=source_root(args),
        working_directory=Path.cwd(),
        problems=tuple(result.problems),
        notices=tuple(notices),
        source_url=_directory_url(args.source_url),
    )
    stream = report_stream or sys.stdout
    for name, file in outputs:
        color = name == "text" and file is None and _wants_color(args, stream)
        write(render(name, result.findings, report.with_color(color)), file, stream)
    if result.problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


def show_notices(notices: Sequence[str], problems: Sequence[str]) -> None:
    """A run's notices and the inputs it could not handle, one line each on standard error."""
    for notice in notices:
        print(f"dockgate: {notice}", file=sys.stderr)
    for problem in problems:
        print(f"dockgate: error: {problem}", file=sys.stderr)


def _wants_color(args: argparse.Namespace, stream: TextIO) -> bool:
    return not args.no_color and "NO_COLOR" not in os.environ and stream.isatty()


def _directory_url(url: str | None) -> str | None:
    if not url:
        return None
    return url if url.endswith("/") else f"{url}/"
