"""A real editor: Neovim (headless) runs `dockgate server` through its own LSP client.

The Lua side (neovim_client.lua) opens a Dockerfile, attaches the server, then
types, applies a quick fix, a suppression and fix-all, recording after each step
the diagnostics Neovim holds (`vim.diagnostic.get`) and the buffer. Neovim keeps
diagnostic columns in bytes, converting from the UTF-16 the server sends, so the
columns after the emoji check the position encoding end to end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from image_tools import require_tools

CLIENT_SCRIPT = Path(__file__).with_name("neovim_client.lua")

DOCKERFILE = "FROM alpine:3.20\nMAINTAINER me\nrun echo é 😀 && cd /tmp\nCOPY a /a\n"

WARNING, ERROR = 2, 1
"""vim.diagnostic.severity values: LSP's, as Neovim keeps them."""


def byte_column(line: str, text: str) -> int:
    return len(line[: line.index(text)].encode("utf-8"))


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_tools("nvim", packages="neovim")
    folder = tmp_path_factory.mktemp("neovim")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(DOCKERFILE, encoding="utf-8")
    result = folder / "result.json"
    state = folder / "state"  # Neovim's LSP log and shada stay in the test's folder
    environment = {
        **os.environ,
        "DOCKGATE_SERVER": json.dumps([sys.executable, "-m", "dockgate", "server"]),
        "DOCKERFILE": str(dockerfile),
        "RESULT": str(result),
        "XDG_CACHE_HOME": str(state),
        "XDG_STATE_HOME": str(state),
        "XDG_DATA_HOME": str(state),
    }
    subprocess.run(
        ["nvim", "--headless", "--clean", "-n", "-c", f"luafile {CLIENT_SCRIPT}"],
        env=environment,
        cwd=folder,
        timeout=180,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    recorded: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    assert recorded.get("error") is None, recorded["error"]
    return recorded


def step(session: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(step for step in session["steps"] if step["name"] == name)
    return found


def places(diagnostics: list[dict[str, Any]]) -> list[tuple[str, int, int, int, int]]:
    return [(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in diagnostics]


def test_neovim_holds_the_exact_diagnostics(session: dict[str, Any]) -> None:
    opened = step(session, "opened")
    assert opened["offset_encoding"] == "utf-16"
    run_line = DOCKERFILE.splitlines()[2]
    cd = byte_column(run_line, "cd /tmp")
    assert places(opened["diagnostics"]) == [
        ("DG2011", 0, 5, 0, 16),
        ("DL4000", 1, 0, 1, 10),
        ("DG1004", 2, 0, 2, 3),
        ("DL3003", 2, cd, 2, cd + 2),
    ]
    assert {d["source"] for d in opened["diagnostics"]} == {"dockgate"}
    by_code = {d["code"]: d for d in opened["diagnostics"]}
    assert by_code["DL3003"]["severity"] == WARNING
    assert by_code["DL3003"]["href"].endswith("#dl3003")


def test_typing_updates_the_diagnostics(session: dict[str, Any]) -> None:
    edited = step(session, "edited")
    assert edited["lines"] == ["FROM alpine:3.20", "run echo é 😀 && cd /tmp", "COPY a /a"]
    cd = byte_column(edited["lines"][1], "cd /tmp")
    assert places(edited["diagnostics"]) == [
        ("DG2011", 0, 5, 0, 16),
        ("DG1004", 1, 0, 1, 3),
        ("DL3003", 1, cd, 1, cd + 2),
    ]


def test_quick_fix_applies_in_the_buffer(session: dict[str, Any]) -> None:
    fixed = step(session, "quick fix")
    assert fixed["preferred"] is True
    assert {"Suppress DG1004 on this line", "Suppress DG1004 in this file"} <= set(fixed["titles"])
    assert fixed["lines"] == ["FROM alpine:3.20", "RUN echo é 😀 && cd /tmp", "COPY a /a"]
    assert [d["code"] for d in fixed["diagnostics"]] == ["DG2011", "DL3003"]


def test_suppression_action_writes_the_comment(session: dict[str, Any]) -> None:
    suppressed = step(session, "suppressed")
    assert suppressed["lines"] == ["FROM alpine:3.20", "# hadolint ignore=DL3003", "RUN echo é 😀 && cd /tmp", "COPY a /a"]
    assert [d["code"] for d in suppressed["diagnostics"]] == ["DG2011"]


def test_fix_all_mends_every_safe_finding(session: dict[str, Any]) -> None:
    fixed_all = step(session, "fixed all")
    assert fixed_all["lines"][-2:] == ["WORKDIR /srv", "EXPOSE 80"]
    assert [d["code"] for d in fixed_all["diagnostics"]] == ["DG2011"]
    assert session["stopped"] is True
