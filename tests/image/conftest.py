"""Real images built once per test run with umoci and skopeo (images.md section 10.2-10.3).

Three images, each written in every local kind: the 'bad' fixture image
(root user, secret in Env, SSH port, setuid copy of busybox, private key,
shadow file with an empty password, .git), the same image with the key
whited out in a second layer (the deleted-secret case), and a clean one
(user app, provenance labels, nothing to find). The fixtures return SOURCE
strings as a user would type them; tests only read what they are given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from archive_builders import write_docker25
from image_tools import require_tools

EPOCH = "2024-01-01T00:00:00Z"
_EPOCH_SECONDS = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktZm9yLXRlc3RzLW9ubHk=\n-----END OPENSSH PRIVATE KEY-----\n"
# AWS's documented example secret contains EXAMPLE, which dockgate rightly treats as a
# placeholder; a made-up value of the same shape is a planted secret.
AWS_FIXTURE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYq8Tk3LwQmZ"
BAD_REPO_TAG = "example.test/bad/app:1.0"
DELETED_REPO_TAG = "example.test/bad/app:deleted-secret"
CLEAN_REPO_TAG = "example.test/clean/app:1.0"
CLEAN_LABELS = {
    "org.opencontainers.image.source": "https://example.test/clean/app",
    "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
}
_TOOLS = ("umoci", "skopeo", "busybox")


def _run(*command: str | Path) -> None:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed: {result.stderr.strip()}")


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def _add_busybox(rootfs: Path) -> None:
    (rootfs / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy(shutil.which("busybox") or "busybox", rootfs / "bin" / "busybox")
    (rootfs / "bin" / "sh").symlink_to("busybox")


def _bad_rootfs(rootfs: Path) -> None:
    _write(rootfs / "app" / "main.py", 'print("hello")\n')
    _write(rootfs / "app" / ".git" / "HEAD", "ref: refs/heads/main\n")
    _write(rootfs / "root" / ".ssh" / "id_rsa", FAKE_KEY, 0o600)
    (rootfs / "root" / ".ssh").chmod(0o700)
    _write(rootfs / "etc" / "shadow", "root:$6$fixture$notarealhash:19723:0:99999:7:::\nguest::19723:0:99999:7:::\n", 0o640)
    _write(rootfs / "etc" / "passwd",
           "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\nguest:x:1001:1001::/home/guest:/bin/sh\n")
    _add_busybox(rootfs)
    suid = rootfs / "usr" / "local" / "bin" / "suid-busybox"
    suid.parent.mkdir(parents=True)
    shutil.copy(rootfs / "bin" / "busybox", suid)
    suid.chmod(0o4755)


def _clean_rootfs(rootfs: Path) -> None:
    _write(rootfs / "app" / "main.py", 'print("hello")\n')
    _write(rootfs / "etc" / "passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n")
    _write(rootfs / "etc" / "group", "root:x:0:\napp:x:1000:\n")
    _add_busybox(rootfs)


def _build(layout: Path, tag: str, fill_rootfs: Callable[[Path], None], config_options: list[str]) -> None:
    """One single-layer image in `layout` under `tag`, reproducible to the byte (section 10.2)."""
    work = layout.parent / f"bundle-{tag}"
    if not layout.exists():
        _run("umoci", "init", "--layout", layout)
    _run("umoci", "new", "--image", f"{layout}:{tag}")
    rootless = [] if os.geteuid() == 0 else ["--rootless"]
    _run("umoci", "unpack", *rootless, "--image", f"{layout}:{tag}", work)
    rootfs = work / "rootfs"
    previous_umask = os.umask(0o022)
    try:
        fill_rootfs(rootfs)
    finally:
        os.umask(previous_umask)
    for directory, subdirectories, files in os.walk(rootfs):
        for entry in [directory, *(os.path.join(directory, name) for name in subdirectories + files)]:
            os.utime(entry, (_EPOCH_SECONDS, _EPOCH_SECONDS), follow_symlinks=False)
    _run("umoci", "repack", "--image", f"{layout}:{tag}", "--history.created", EPOCH,
         "--history.created_by", "fixture rootfs", work)
    _run("umoci", "config", "--image", f"{layout}:{tag}", "--created", EPOCH, "--history.created", EPOCH,
         *config_options)
    shutil.rmtree(work)


def _all_kinds(layout: Path, tag: str, repo_tag: str, stem: str) -> dict[str, str]:
    """The layout's image `tag` written as every local kind, as SOURCE strings."""
    out = layout.parent
    _run("skopeo", "--insecure-policy", "copy", "-q", f"oci:{layout}:{tag}",
         f"docker-archive:{out / (stem + '-docker.tar')}:{repo_tag}")
    _run("skopeo", "--insecure-policy", "copy", "-q", f"oci:{layout}:{tag}",
         f"oci-archive:{out / (stem + '-oci.tar')}:{tag}")
    write_docker25(layout, tag, out / f"{stem}-docker25.tar", repo_tag)
    return {
        "oci": f"oci:{layout}:{tag}",
        "docker-archive": f"docker-archive:{out / (stem + '-docker.tar')}",
        "oci-archive": f"oci-archive:{out / (stem + '-oci.tar')}:{tag}",
        "docker25": str(out / f"{stem}-docker25.tar"),
    }


@pytest.fixture(scope="session")
def bad_image_layout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The OCI layout holding the bad image as tag 1.0 (and the deleted-secret variant as `deleted-secret`)."""
    require_tools(*_TOOLS)
    layout = tmp_path_factory.mktemp("bad-image") / "layout"
    _build(layout, "1.0", _bad_rootfs, [
        "--config.user", "root", "--config.workingdir", "/app",
        "--config.env", "PATH=/usr/local/bin:/bin",
        "--config.env", f"AWS_SECRET_ACCESS_KEY={AWS_FIXTURE_SECRET}",
        "--config.exposedports", "22/tcp",
        "--config.entrypoint", "/bin/sh", "--config.cmd", "-c", "--config.cmd", "python3 /app/main.py",
    ])
    _run("umoci", "insert", "--image", f"{layout}:1.0", "--tag", "deleted-secret",
         "--history.created", EPOCH, "--whiteout", "/root/.ssh/id_rsa")
    _run("umoci", "gc", "--layout", layout)
    return layout, "1.0"


@pytest.fixture(scope="session")
def bad_image_sources(bad_image_layout: tuple[Path, str]) -> dict[str, str]:
    layout, tag = bad_image_layout
    return _all_kinds(layout, tag, BAD_REPO_TAG, "bad")


@pytest.fixture(scope="session")
def deleted_secret_sources(bad_image_layout: tuple[Path, str]) -> dict[str, str]:
    layout, _ = bad_image_layout
    return _all_kinds(layout, "deleted-secret", DELETED_REPO_TAG, "deleted-secret")


@pytest.fixture(scope="session")
def clean_image_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    require_tools(*_TOOLS)
    layout = tmp_path_factory.mktemp("clean-image") / "layout"
    labels = [option for name, value in CLEAN_LABELS.items() for option in ("--config.label", f"{name}={value}")]
    _build(layout, "1.0", _clean_rootfs, [
        "--config.user", "app", "--config.workingdir", "/app",
        "--config.env", "PATH=/bin",
        "--config.cmd", "/bin/busybox", "--config.cmd", "httpd", "--config.cmd", "-f",
        *labels,
    ])
    _run("umoci", "gc", "--layout", layout)
    return _all_kinds(layout, "1.0", CLEAN_REPO_TAG, "clean")
