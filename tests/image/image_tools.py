"""External tools for the tests (image tools, Neovim): skip where they are missing, fail under CI."""

from __future__ import annotations

import os
import shutil

import pytest

IMAGE_TOOLS = ("umoci", "skopeo", "docker-registry", "buildah", "busybox")


IMAGE_PACKAGES = "umoci skopeo docker-registry buildah busybox-static"


def require_tools(*names: str, packages: str = IMAGE_PACKAGES) -> None:
    """Skip the calling test when a tool is absent; under CI (`CI=true`) fail instead.

    .ci/run installs the Debian `packages`, so on CI a missing tool is a broken set-up, not a reason to skip.
    """
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    reason = f"needs {', '.join(missing)} (Debian packages: {packages})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)
