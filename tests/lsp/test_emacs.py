"""A real editor: Emacs (batch mode) runs `dockgate server` through eglot, its LSP client.

The Emacs Lisp side (emacs_client.el) opens a Dockerfile, connects eglot,
applies the quick fix eglot offers first (the preferred one), then saves with
the README's fix-on-save hook, recording after each step the diagnostics flymake
holds and the buffer. Emacs counts columns in characters, converting from the
UTF-16 the server sends, so the columns after the emoji check the position
encoding end to end. Debian's Emacs 28 needs its `elpa-eglot` package; Emacs 29
has eglot built in.
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

CLIENT_SCRIPT = Path(__file__).with_name("emacs_client.el")
PACKAGES = "emacs-nox elpa-eglot"

DOCKERFILE = "FROM alpine:3.20\nMAINTAINER me\nrun echo é 😀 && cd /tmp\nCOPY a /a\n"

FIND_EGLOT = """(progn (require 'package)
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
  (package-initialize)
  (princ (if (locate-library "eglot") "found" "missing")))"""


def require_eglot(environment: dict[str, str]) -> None:
    """Skip without eglot (Emacs 28 without elpa-eglot); under CI (`CI=true`) fail instead."""
    probe = subprocess.run(
        ["emacs", "--batch", "-Q", "--eval", FIND_EGLOT], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    if probe.stdout.strip() == "found":
        return
    reason = f"needs eglot (Debian packages: {PACKAGES})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_tools("emacs", packages=PACKAGES)
    folder = tmp_path_factory.mktemp("emacs")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(DOCKERFILE, encoding="utf-8")
    result = folder / "result.json"
    environment = {
        **os.environ,
        "DOCKGATE_SERVER": json.dumps([sys.executable, "-m", "dockgate", "server"]),
        "DOCKERFILE": str(dockerfile),
        "RESULT": str(result),
        "HOME": str(folder),  # Emacs's state (~/.emacs.d) stays in the test's folder
    }
    require_eglot(environment)
    subprocess.run(
        ["emacs", "--batch", "-Q", "-l", str(CLIENT_SCRIPT)],
        env=environment,
        cwd=folder,
        timeout=180,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    recorded: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    assert recorded.get("error") is None, recorded["error"]
    recorded["saved_file"] = dockerfile.read_text(encoding="utf-8")
    return recorded


def step(session: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(step for step in session["steps"] if step["name"] == name)
    return found


def places(diagnostics: list[dict[str, Any]]) -> list[tuple[str, int, int, int, int]]:
    return [(d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) for d in diagnostics]


def test_emacs_holds_the_exact_diagnostics(session: dict[str, Any]) -> None:
    opened = step(session, "opened")
    run_line = DOCKERFILE.splitlines()[2]
    cd = run_line.index("cd /tmp")  # characters: the emoji is one, where UTF-16 counts two
    assert places(opened["diagnostics"]) == [
        ("DG2011", 0, 5, 0, 16),
        ("DL4000", 1, 0, 1, 10),
        ("DG1004", 2, 0, 2, 3),
        ("DL3003", 2, cd, 2, cd + 2),
    ]
    by_code = {d["code"]: d["type"] for d in opened["diagnostics"]}
    assert by_code["DL4000"] == "eglot-error" and by_code["DL3003"] == "eglot-warning"


def test_quick_fix_applies_in_the_buffer(session: dict[str, Any]) -> None:
    fixed = step(session, "quick fix")
    assert fixed["lines"] == ["FROM alpine:3.20", "MAINTAINER me", "RUN echo é 😀 && cd /tmp", "COPY a /a"]
    assert [d["code"] for d in fixed["diagnostics"]] == ["DG2011", "DL4000", "DL3003"]


def test_fix_on_save_writes_the_safe_fixes(session: dict[str, Any]) -> None:
    saved = step(session, "saved")
    # DL4000's label is a safe fix; DL3003's move of `cd` into a WORKDIR is unsafe and stays.
    expected = 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="me"\nRUN echo é 😀 && cd /tmp\nCOPY a /a\n'
    assert session["saved_file"] == expected
    assert saved["lines"] == expected.splitlines()
    assert [d["code"] for d in saved["diagnostics"]] == ["DG2011", "DL3003"]
