"""Measure dockgate's cold start: one small Dockerfile per invocation, beside `python -c pass`.

Run it with the Python that dockgate is installed into (a plain `pip install .`):

    python benchmarks/bench_cold_start.py [--runs 30] [--json results.json]

benchmarks/README.md says what is measured and how to read it. Standard
library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Issue 14's targets: dockgate may cost at most this many bare interpreter starts.
TARGET_WITHOUT_CONFIG = 6.0
TARGET_WITH_CONFIG = 8.0

# A typical two-stage build, 20 lines.
COLD_START_DOCKERFILE = """\
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt
COPY . .
RUN python -m compileall -q .

FROM python:${PYTHON_VERSION}-slim
ARG APP_USER=app
RUN useradd --create-home --uid 10001 "$APP_USER"
COPY --from=build /install /usr/local
COPY --from=build --chown=10001:10001 /src /app
WORKDIR /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s CMD ["curl", "-fsS", "http://localhost:8000/health"]
CMD ["python", "-m", "app"]
"""

# A project's configuration as one is typically written: some selectors, a rule option, a glob.
PROJECT_CONFIG = """\
ignore = ["DL3008"]
trusted-registries = ["docker.io", "ghcr.io"]
per-file-ignores = { "tests/**" = ["DL", "SC"] }
"""


class BenchmarkError(Exception):
    """A set-up problem, reported as one message and exit status 2."""


@dataclass
class Command:
    """One command line, run in one folder."""

    name: str
    argv: list[str]
    cwd: Path
    edits: bool = False
    """Before each run, change a RUN line of the Dockerfile: the result cache misses, ShellCheck runs."""
    seconds: list[float] = field(default_factory=list)
    started: int = 0

    def run(self) -> subprocess.CompletedProcess[bytes]:
        self.started += 1
        if self.edits:
            text = COLD_START_DOCKERFILE.replace("compileall -q .", f"compileall -q . && echo edit-{self.started}")
            (self.cwd / "Dockerfile").write_text(text, encoding="utf-8")
        return subprocess.run(self.argv, cwd=self.cwd, capture_output=True, check=False)

    def measure(self) -> None:
        started = time.perf_counter()
        completed = self.run()
        self.seconds.append(time.perf_counter() - started)
        if completed.returncode not in (0, 1):  # 1: findings
            stderr = completed.stderr.decode(errors="replace").strip()
            raise BenchmarkError(f"{shlex.join(self.argv)} in {self.cwd}: exit {completed.returncode}: {stderr}")


def dockgate_command(option: str | None) -> list[str]:
    """--dockgate, else the console script users run, installed beside this Python."""
    if option:
        return shlex.split(option)
    script = Path(sys.executable).parent / "dockgate"
    if script.is_file():
        return [str(script)]
    raise BenchmarkError(
        f"no dockgate console script beside {sys.executable}: install dockgate into this "
        "Python (pip install .) or pass --dockgate 'COMMAND'"
    )


def commands(dockgate: list[str], root: Path, label: str = "") -> list[Command]:
    """`python -c pass`, then `dockgate check Dockerfile` in a folder without and one with a
    `.dockgate.toml`: as typed, the file unchanged (the result cache on: after the warm-up run
    it holds the file); as typed, a RUN line changed before each run (the file is linted,
    ShellCheck included, the configuration's settings come from the cache); and with
    `--no-cache` (nothing cached: the file linted and the configuration validated every time).
    `label` names the commands of a second dockgate (`--against`)."""
    bare, configured = root / "bare", root / "configured"
    edited, edited_configured = root / "edited", root / "edited-configured"
    for folder in (bare, configured, edited, edited_configured):
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(COLD_START_DOCKERFILE, encoding="utf-8")
    for folder in (configured, edited_configured):
        (folder / ".dockgate.toml").write_text(PROJECT_CONFIG, encoding="utf-8")
    check = [*dockgate, "check", "Dockerfile"]
    return [
        Command("python -c pass", [sys.executable, "-c", "pass"], root),
        Command(f"{label}check", check, bare),
        Command(f"{label}check (config)", check, configured),
        Command(f"{label}check, file edited", check, edited, edits=True),
        Command(f"{label}check, file edited (config)", check, edited_configured, edits=True),
        Command(f"{label}check --no-cache", [*check, "--no-cache"], bare),
        Command(f"{label}check --no-cache (config)", [*check, "--no-cache"], configured),
    ]


def measure(runs: int, timed: list[Command]) -> None:
    for command in timed:  # one untimed run each: the page cache, and the result cache filled
        command.run()
    for _ in range(runs):
        for command in timed:  # interleaved, so that machine noise hits each alike
            command.measure()


def report(runs: int, timed: list[Command]) -> dict[str, object]:
    print(f"cold start: one 20-line Dockerfile, median of {runs} interleaved runs")
    print(f"{'command':<37} {'median ms':>9} {'min ms':>8} {'ratio':>6} {'by min':>6}  target (of the median)")
    baseline = statistics.median(timed[0].seconds)
    fastest_baseline = min(timed[0].seconds)
    results: dict[str, object] = {"runs": runs, "python_ms": baseline * 1000}
    for command in timed:
        median = statistics.median(command.seconds)
        ratio = median / baseline
        target = ""
        if command is not timed[0]:
            limit = TARGET_WITH_CONFIG if "config" in command.name else TARGET_WITHOUT_CONFIG
            target = f"{'within' if ratio <= limit else 'ABOVE'} {limit:.0f}x"
        fastest = min(command.seconds)
        print(
            f"{command.name:<37} {median * 1000:>9.1f} {fastest * 1000:>8.1f} {ratio:>5.1f}x "
            f"{fastest / fastest_baseline:>5.1f}x  {target}"
        )
        results[command.name] = {"median_ms": median * 1000, "ratio": ratio, "ratio_of_minima": fastest / fastest_baseline}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command (default: 30)")
    parser.add_argument(
        "--dockgate", metavar="COMMAND",
        help="dockgate command line (default: the dockgate script beside this Python)",
    )
    parser.add_argument(
        "--against", metavar="COMMAND",
        help="a second dockgate (another install, such as one of main) timed the same way, run by run with the first",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results to OUT")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        dockgate = dockgate_command(arguments.dockgate)
        with tempfile.TemporaryDirectory(prefix="dockgate-cold-start-") as directory:
            timed = commands(dockgate, Path(directory))
            print(f"python   {sys.executable} {platform.python_version()}, {os.cpu_count()} CPUs")
            print(f"dockgate {shlex.join(dockgate)}")
            if arguments.against:
                against = shlex.split(arguments.against)
                timed += commands(against, Path(directory) / "against", label="against: ")[1:]
                print(f"against  {shlex.join(against)}")
            measure(arguments.runs, timed)
    except BenchmarkError as error:
        print(f"bench_cold_start: {error}", file=sys.stderr)
        return 2
    results = report(arguments.runs, timed)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
