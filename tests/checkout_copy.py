"""A copy of this checkout's files, for tests that install dockgate the way a user would.

Building from the checkout itself would leave build/ and *.egg-info behind in
the work tree; a copy keeps it clean. Tracked files and untracked ones git
does not ignore are copied, so the tests see uncommitted work too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]


def require_tool(name: str) -> str:
    """The path of the command `name`; missing, the test skips, or fails under CI=true."""
    executable = shutil.which(name)
    if executable is None:
        message = f"{name} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (.ci/run installs it)")
        pytest.skip(message)
    return executable


def copy_of_checkout(destination: Path) -> Path:
    """`destination` holding the checkout's files (not its .git)."""
    listing = subprocess.run(
        [require_tool("git"), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        pytest.fail(f"{CHECKOUT} is not a git checkout: {listing.stderr}")
    for relative in filter(None, listing.stdout.split("\0")):
        source = CHECKOUT / relative
        if not source.exists() and not source.is_symlink():
            continue  # tracked but deleted in the work tree
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    return destination
