"""The `dockgate` command: `check` (the main job), `image`, `parse` and `rules`.

Exit codes, the same whatever the output format:
  0  no finding at or above the failure threshold
  1  findings at or above it (`parse`: the file does not parse)
  2  usage, configuration, input/output or internal error (one line on stderr;
     a traceback only with --debug)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from dockgate import __version__

if TYPE_CHECKING:
    from dockgate.rule_api.config import Config
    from dockgate.rule_api.findings import Finding
    from dockgate.dockerfile.model import Document
    from dockgate.rule_api.rule import RuleMeta

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

BATCH_SIZE = 500
"""Files linted together: enough for batch work (ShellCheck) to pay off, few enough to bound memory."""


class UsageError(Exception):
    """A mistake on the command line or in the environment; exit 2 with its message."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dockgate",
        description="Dockerfile linter and security analyzer.",
        epilog="Run `dockgate check` in a repository to lint every Dockerfile in it.",
    )
    parser.add_argument("--version", action="version", version=f"dockgate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint Dockerfiles (default: every Dockerfile below the current directory)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - reads standard input")
    _add_run_options(check)
    check.add_argument("--context", metavar="DIR", help="the build context of every linted file (default: each Dockerfile's folder)")
    check.add_argument("--stdin-filename", metavar="NAME", help="the name to report for standard input")
    check.add_argument("--trusted-registry", action="append", default=[], metavar="REGISTRY")
    check.add_argument("--require-label", action="append", default=[], metavar="NAME:TYPE")
    check.add_argument("--strict-labels", action="store_true")
    check.add_argument("--disable-ignore-pragma", action="store_true", help="ignore `# dockgate: ignore` and `# hadolint ignore` comments")
    check.set_defaults(handler=run_check)

    image = commands.add_parser(
        "image",
        help="lint built images: docker save tars, OCI layouts and archives, docker inspect JSON, registries",
        description="Lint built images. SOURCE is docker-archive:FILE, oci:DIR[:TAG], oci-archive:FILE[:TAG], "
        "inspect:FILE, registry:REF, - (a docker save tar or docker inspect JSON on standard input), "
        "an existing path (its kind is recognised), or an image reference such as ghcr.io/org/app:1.2.",
    )
    image.add_argument("sources", nargs="+", metavar="SOURCE")
    _add_run_options(image)
    image.add_argument("--dockerfile", metavar="FILE", help="the Dockerfile the image was built from: findings are placed on its lines")
    image.add_argument("--platform", metavar="OS/ARCH[/VARIANT]", help="which image of a multi-platform index (default: this machine's)")
    image.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]", help="talk plain HTTP to this registry")
    image.set_defaults(handler=run_image)

    parse = commands.add_parser("parse", help="print the parse tree of a Dockerfile")
    parse.add_argument("path", metavar="FILE", help="a Dockerfile, or - for standard input")
    parse.add_argument("--format", "-f", default="json", choices=("json", "buildkit"))
    parse.add_argument("--debug", action="store_true")
    parse.set_defaults(handler=run_parse)

    rules = commands.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("rule", nargs="?", metavar="RULE", help="a code, name or alias")
    rules.add_argument("--format", "-f", default="text", choices=("text", "markdown"), help="markdown: every rule's page, as in docs/rules.md")
    rules.add_argument("--debug", action="store_true")
    rules.set_defaults(handler=run_rules)
    return parser


def _add_run_options(command: argparse.ArgumentParser) -> None:
    """The options `check` and `image` share: output, configuration, rule selection, exit status."""
    command.add_argument("--format", "-f", default="text", choices=("text", "json", "sarif"))
    command.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of standard output")
    command.add_argument("--config", "-c", metavar="FILE", help=".dockgate.toml, pyproject.toml or .hadolint.yaml")
    command.add_argument("--no-config", action="store_true", help="ignore every configuration file")
    command.add_argument("--select", action="append", default=[], metavar="RULES", help="only these rules (codes, names, aliases or prefixes, comma-separated)")
    command.add_argument("--ignore", action="append", default=[], metavar="RULES", help="leave these rules out")
    command.add_argument("--level", action="append", default=[], metavar="RULE=LEVEL", help="set a rule's level (error, warning, info, style, off)")
    for level in ("error", "warning", "info", "style"):
        command.add_argument(f"--{level}", action="append", default=[], metavar="RULE", help=f"report RULE at level {level} (hadolint's flag)")
    command.add_argument("--failure-threshold", "-t", metavar="LEVEL", help="fail on findings at or above LEVEL (default: info)")
    command.add_argument("--no-fail", action="store_true", help="exit 0 even when there are findings")
    command.add_argument("--sarif-category", metavar="ID", help="SARIF run.automationDetails.id, to keep uploads apart")
    command.add_argument("--no-color", action="store_true", help="no ANSI colours (NO_COLOR in the environment too)")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # `dockgate` and `dockgate Dockerfile` mean `dockgate check ...`.
    if not words or words[0] not in ("check", "image", "parse", "rules", "-h", "--help", "--version"):
        words.insert(0, "check")
    args = build_parser().parse_args(words)
    try:
        return args.handler(args)
    except UsageError as error:
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


# ----------------------------------------------------------------------- check


def _split_list(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _command_line_overrides(args: argparse.Namespace) -> dict[str, object]:
    levels: dict[str, str] = {}
    for level in ("error", "warning", "info", "style"):
        for code in _split_list(getattr(args, level)):
            levels[code] = level
    for assignment in args.level:
        selector, equals, level = assignment.partition("=")
        if not equals:
            raise UsageError(f"--level takes RULE=LEVEL, not {assignment!r}")
        levels[selector.strip()] = level.strip()
    overrides: dict[str, object] = {
        "select": _split_list(args.select),
        "ignore": _split_list(args.ignore),
        "levels": levels,
        "no_fail": args.no_fail,
        "failure_threshold": args.failure_threshold,
    }
    if args.command == "check":
        overrides.update(
            trusted_registries=list(args.trusted_registry),
            require_labels=list(args.require_label),
            strict_labels=args.strict_labels,
            disable_ignore_pragma=args.disable_ignore_pragma,
        )
    return overrides


def _fails(findings: list[Finding], config: Config) -> bool:
    """Whether these findings make the run fail under `config`'s threshold."""
    from dockgate.rule_api.findings import Level

    threshold = config.failure_threshold
    if config.no_fail or threshold is Level.OFF:
        return False
    return any(finding.level.rank >= threshold.rank for finding in findings)


def run_check(args: argparse.Namespace) -> int:
    from dockgate.rule_api.config import ConfigError, load_config
    from dockgate.engine.discovery import find_dockerfiles
    from dockgate.engine.engine import Engine, LintJob, all_rules
    from dockgate.rule_api.findings import Level
    from dockgate.dockerfile.source import SourceError, decode, read_source
    from dockgate.reporters import Report, render

    try:
        resolver = load_config(Path(args.config) if args.config else None, args.no_config)
        overrides = _command_line_overrides(args)
        base_config = resolver.for_file(None).merged_with(**overrides)
    except ConfigError as error:
        raise UsageError(str(error)) from None

    build_context = Path(args.context) if args.context else None
    if build_context is not None and not build_context.is_dir():
        raise UsageError(f"--context {args.context}: not a directory")
    paths = args.paths or ["."]
    read_stdin = "-" in paths
    discovery = find_dockerfiles([Path(path) for path in paths if path != "-"])
    problems = list(discovery.errors)
    for notice in discovery.notices:
        print(f"dockgate: {notice}", file=sys.stderr)

    engine = Engine(all_rules("dockerfile"))
    findings: list[Finding] = []
    failing = False
    files_checked = 0
    notices: list[str] = []
    batch: list[LintJob] = []

    def flush() -> None:
        nonlocal failing, files_checked
        results, batch_notices = engine.lint_batch(batch)
        notices.extend(notice for notice in batch_notices if notice not in notices)
        for job, found in zip(batch, results):
            files_checked += 1
            findings.extend(found)
            failing = failing or _fails(found, job.config)
        batch.clear()

    if read_stdin:
        batch.append(
            LintJob(args.stdin_filename or "-", decode(sys.stdin.buffer.read()), base_config, build_context=build_context)
        )
    for path in discovery.files:
        try:
            config = resolver.for_file(path).merged_with(**overrides)
        except ConfigError as error:
            raise UsageError(str(error)) from None
        try:
            source = read_source(str(path))
        except SourceError as error:
            problems.append(f"{path}: {error}")
            continue
        batch.append(LintJob(_display_path(path), source, config, path, build_context))
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()

    for notice in notices:
        print(f"dockgate: {notice}", file=sys.stderr)
    for problem in problems:
        print(f"dockgate: error: {problem}", file=sys.stderr)
    report = Report(
        rules=[rule.meta for rule in engine.rules if base_config.level_for(rule.meta) is not Level.OFF],
        files_checked=files_checked,
        color=args.format == "text" and not args.output and _wants_color(args),
        sarif_category=args.sarif_category,
        root=Path.cwd(),
    )
    _write(render(args.format, findings, report), args.output)
    if problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_CLEAN


# ----------------------------------------------------------------------- image

IMAGE_SARIF_CATEGORY = "dockgate/images/"
"""Image findings are uploaded apart from Dockerfile findings (GitHub allows one run per category)."""


def run_image(args: argparse.Namespace) -> int:
    from dockgate.image.errors import ImageError
    from dockgate.image.platforms import parse_platform
    from dockgate.image.sources import open_images
    from dockgate.rule_api.config import ConfigError, load_config
    from dockgate.engine.engine import Engine, ImageJob, all_rules
    from dockgate.rule_api.findings import Level
    from dockgate.reporters import Report, render

    try:
        config = load_config(Path(args.config) if args.config else None, args.no_config).for_file(None)
        config = config.merged_with(**_command_line_overrides(args))
    except ConfigError as error:
        raise UsageError(str(error)) from None
    try:
        platform = parse_platform(args.platform) if args.platform else None
    except ImageError as error:
        raise UsageError(str(error)) from None
    if args.sources.count("-") > 1:
        raise UsageError("standard input can be read only once")
    if any(not source.strip() for source in args.sources):
        raise UsageError("an empty SOURCE; give a file, a directory, an image reference or -")
    dockerfile_path, dockerfile = _read_dockerfile(args.dockerfile)

    engine = Engine(all_rules())
    findings: list[Finding] = []
    notices: list[str] = []
    problems: list[str] = []
    images_checked = 0
    for source in args.sources:
        try:
            images = open_images(
                source,
                platform=platform,
                insecure_registries=frozenset(args.insecure_registry),
                stdin=sys.stdin.buffer if source == "-" else None,
            )
            for image in images:
                with image:
                    found, image_notices = engine.lint_image(ImageJob(image, config, dockerfile_path, dockerfile))
                notices.extend(image.notices + image_notices)
                findings.extend(found)
                images_checked += 1
        except ImageError as error:
            problems.append(str(error))

    for notice in dict.fromkeys(notices):
        print(f"dockgate: {notice}", file=sys.stderr)
    for problem in problems:
        print(f"dockgate: error: {problem}", file=sys.stderr)
    report = Report(
        rules=[rule.meta for rule in engine.image_rules if config.level_for(rule.meta) is not Level.OFF],
        files_checked=images_checked,
        checked_noun=("image", "images"),
        color=args.format == "text" and not args.output and _wants_color(args),
        sarif_category=args.sarif_category or IMAGE_SARIF_CATEGORY,
        root=Path.cwd(),
    )
    _write(render(args.format, findings, report), args.output)
    if problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if _fails(findings, config) else EXIT_CLEAN


def _read_dockerfile(name: str | None) -> tuple[str | None, Document | None]:
    """The `--dockerfile` as the user named it, parsed; a file that cannot be used is a usage error."""
    if name is None:
        return None, None
    from dockgate.dockerfile.model import DockerfileSyntaxError
    from dockgate.dockerfile.parser import parse
    from dockgate.dockerfile.source import SourceError, read_source

    try:
        return Path(name).as_posix(), parse(read_source(name).text)
    except SourceError as error:
        raise UsageError(f"--dockerfile {name}: {error}") from None
    except DockerfileSyntaxError as error:
        raise UsageError(f"--dockerfile {name}:{error.span.line}:{error.span.column}: {error.message}") from None


def _display_path(path: Path) -> str:
    """The path as the user named it, relative paths kept relative, in POSIX form."""
    return path.as_posix()


def _wants_color(args: argparse.Namespace) -> bool:
    return not args.no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text + "\n" if text else "")
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n" if text else "")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None


# ----------------------------------------------------------------------- parse


def run_parse(args: argparse.Namespace) -> int:
    from dockgate.dockerfile.model import DockerfileSyntaxError
    from dockgate.dockerfile.parser import parse
    from dockgate.dockerfile.source import SourceError, decode, read_source

    name = "-" if args.path == "-" else args.path
    try:
        source = decode(sys.stdin.buffer.read()) if args.path == "-" else read_source(args.path)
    except SourceError as error:
        raise UsageError(f"{name}: {error}") from None
    try:
        document = parse(source.text)
    except DockerfileSyntaxError as error:
        print(f"{name}:{error.span.line}:{error.span.column}: {error.message}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.format == "buildkit":
        from dockgate.reporters.trees.buildkit import render_tree
    else:
        from dockgate.reporters.trees.json import render_tree
    _write(render_tree(document).rstrip("\n"), None)
    return EXIT_CLEAN


# ----------------------------------------------------------------------- rules


def run_rules(args: argparse.Namespace) -> int:
    from dockgate.engine.engine import all_rules

    rules = sorted((rule.meta for rule in all_rules()), key=lambda meta: meta.code)
    if args.format == "markdown":
        _write(_rules_markdown(rules), None)
        return EXIT_CLEAN
    if args.rule is None:
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            aliases = ", ".join(rule.aliases)
            print(f"{rule.code}  {rule.name:<{width}}  {rule.level.value:<7}  {aliases}".rstrip())
        return EXIT_CLEAN
    wanted = args.rule.strip()
    for rule in rules:
        if wanted.upper() == rule.code or wanted == rule.name or wanted in rule.aliases:
            print(f"{rule.code} {rule.name} ({rule.level.value})")
            if rule.aliases:
                print(f"Also known as: {', '.join(rule.aliases)}")
            if rule.security_severity is not None:
                print(f"Security severity: {rule.security_severity}")
            print()
            print(rule.summary)
            print()
            print(rule.documentation.strip())
            return EXIT_CLEAN
    raise UsageError(f"no rule called {wanted!r} (see `dockgate rules`)")


def _rules_markdown(rules: list[RuleMeta]) -> str:
    """docs/rules.md: an index table, then each rule's documentation under its code."""
    lines = [
        "# dockgate rules",
        "",
        "Generated by `dockgate rules --format markdown`; do not edit by hand.",
        "",
        "| code | name | level | also known as |",
        "|---|---|---|---|",
    ]
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.level.value} | {', '.join(r.aliases)} |" for r in rules]
    for rule in rules:
        lines += ["", f"## {rule.code}", "", f"**{rule.name}** ({rule.level.value}): {rule.summary}", ""]
        if rule.aliases:
            lines += [f"Also known as: {', '.join(rule.aliases)}", ""]
        if rule.security_severity is not None:
            lines += [f"Security severity: {rule.security_severity}; tags: {', '.join(rule.tags)}", ""]
        # Demote the rule's own headings one level under its code.
        lines.append(re.sub(r"^## ", "### ", rule.documentation.strip(), flags=re.MULTILINE))
    return "\n".join(lines) + "\n"
