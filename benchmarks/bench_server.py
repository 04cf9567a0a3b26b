"""Measure how fast `dockgate server` answers a change, beside a cold `dockgate check`, in the same run.

Run it with the Python that dockgate is installed into:

    python benchmarks/bench_server.py [--runs 60] [--lines 300]

A generated Dockerfile of `--lines` lines is opened in the real server over
stdio (ShellCheck off, as the fast pass runs it). Each run sends one
`textDocument/didChange` (one line edited) and times until the
`textDocument/publishDiagnostics` for that buffer version arrives. Taking
turns with it, `dockgate check --no-cache --no-shellcheck FILE` lints the
same file in a fresh process (wall time). Reported: both medians and their
ratio; the target (issue 11) is at most 1/10. Standard library only: the
client below speaks just enough JSON-RPC for this.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from bench_lint import BenchmarkError, compile_bytecode, dockgate_command, failure

SERVER_TARGET = 0.1
"""The server's answer to a change may take at most this fraction of a cold check."""

STAGE = """\
FROM python:3.12-slim AS stage{n}
ARG APP_VERSION_{n}=1.{n}.0
ENV PIP_NO_CACHE_DIR=1 \\
    APP_HOME_{n}=/srv/app{n}
WORKDIR /srv/app{n}
COPY requirements{n}.txt ./
RUN apt-get update && apt-get install -y curl ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements{n}.txt && python -m compileall -q .
COPY src{n}/ ./src/
RUN useradd --create-home app{n} && chown -R app{n} /srv/app{n}
USER app{n}
EXPOSE 80{n:02d}
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:80{n:02d}/health || exit 1
LABEL org.opencontainers.image.version="${{APP_VERSION_{n}}}"
"""


def generated_dockerfile(lines: int) -> str:
    """Stages of typical instructions (with findings to report) until the text has `lines` lines."""
    text, stage = "", 0
    while text.count("\n") < lines:
        text += STAGE.format(n=stage)
        stage += 1
    return "".join(text.splitlines(keepends=True)[:lines])


class LanguageClient:
    """The server process and the few messages the benchmark sends and waits for."""

    def __init__(self, command: list[str], workspace: Path) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=workspace
        )
        self.next_id = 0

    @property
    def _input(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def _output(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self._input.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._input.flush()

    def receive(self) -> dict[str, Any]:
        length = None
        while True:
            header = self._output.readline()
            if not header:
                raise BenchmarkError(f"the server ended (exit {self.process.wait()})")
            if header in (b"\r\n", b"\n"):
                break
            name, _, value = header.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise BenchmarkError("the server sent a message without Content-Length")
        message: dict[str, Any] = json.loads(self._output.read(length))
        return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise BenchmarkError(f"{method} failed: {message['error']}")
                return message.get("result")
            self._answer(message)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def wait_for_diagnostics(self, uri: str, version: int) -> list[Any]:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    diagnostics: list[Any] = params["diagnostics"]
                    return diagnostics
            self._answer(message)

    def _answer(self, message: dict[str, Any]) -> None:
        """Requests from the server (registrations, configuration) get an empty result."""
        if "method" in message and "id" in message:
            self.send({"id": message["id"], "result": None})

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self._input.close()
        self.process.wait(timeout=10)


def measure(dockgate: list[str], lines: int, runs: int) -> tuple[list[float], list[float], int]:
    """Seconds from each didChange to its diagnostics, seconds per cold check, and the findings count."""
    text = generated_dockerfile(lines)
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch)
        dockerfile = workspace / "Dockerfile"
        dockerfile.write_text(text, encoding="utf-8")
        check = [*dockgate, "check", "--no-cache", "--no-shellcheck", "--format", "json", dockerfile.name]
        problem = failure(subprocess.run(check, cwd=workspace, capture_output=True, check=False))
        if problem:
            raise BenchmarkError(f"dockgate check failed on the generated file, {problem}")
        client = LanguageClient([*dockgate, "server"], workspace)
        uri = dockerfile.as_uri()
        client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": workspace.as_uri(),
                "capabilities": {},
                "initializationOptions": {"dockgate": {"shellcheck": False}},
            },
        )
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}},
        )
        findings = len(client.wait_for_diagnostics(uri, 1))
        # One untimed change, so that nothing is first-time work in the timed ones.
        edited_line = next(
            number for number, line in enumerate(text.splitlines()) if number >= lines // 2 and not line.endswith("\\")
        )
        changes: list[float] = []
        checks: list[float] = []
        for run in range(runs + 1):
            version = run + 2
            # Typing one character at the end of a line in the middle of the file, then deleting it.
            column = len(text.splitlines()[edited_line])
            if run % 2 == 0:
                edit = {"range": _range(edited_line, column, edited_line, column), "text": "x"}
            else:
                edit = {"range": _range(edited_line, column, edited_line, column + 1), "text": ""}
            started = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]},
            )
            client.wait_for_diagnostics(uri, version)
            elapsed = time.perf_counter() - started
            if run == 0:
                continue
            changes.append(elapsed)
            started = time.perf_counter()
            subprocess.run(check, cwd=workspace, capture_output=True, check=False)
            checks.append(time.perf_counter() - started)
        client.close()
    return changes, checks, findings


def _range(line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": column}, "end": {"line": end_line, "character": end_column}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="timed changes, and as many cold checks")
    parser.add_argument("--lines", type=int, default=300, help="length of the generated Dockerfile")
    parser.add_argument("--dockgate", metavar="COMMAND")
    arguments = parser.parse_args()
    try:
        compile_bytecode()
        changes, checks, findings = measure(dockgate_command(arguments.dockgate), arguments.lines, arguments.runs)
    except BenchmarkError as error:
        print(f"bench_server: {error}", file=sys.stderr)
        return 2
    change, check = statistics.median(changes), statistics.median(checks)
    ratio = change / check
    print(f"{arguments.lines}-line Dockerfile, {findings} diagnostics, {arguments.runs} runs each, medians")
    print(f"didChange -> publishDiagnostics  {change * 1000:8.1f} ms")
    print(f"cold dockgate check               {check * 1000:8.1f} ms")
    verdict = "within" if ratio <= SERVER_TARGET else "ABOVE"
    print(f"server / check: {ratio:.3f} (1/{1 / ratio:.0f}), {verdict} the {SERVER_TARGET} target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
