"""What a stage's base image is known to contain, for fixes that depend on it; not a rule itself.

Only official images whose userland is well known are classified: the
distributions and the language images built on them. Anything else is
unknown, and a fix that needs to know does not offer itself.
"""

from __future__ import annotations

import enum

from dockgate.analysis.semantics import Stage


class Userland(enum.Enum):
    GNU = "gnu"
    """bash, GNU coreutils and, when installed, GNU wget (Debian, Ubuntu, Fedora, ...)."""
    BUSYBOX = "busybox"
    """busybox's ash and applets (Alpine, busybox); no bash unless installed."""


_GNU_IMAGES = frozenset({
    "debian", "ubuntu", "fedora", "centos", "rockylinux", "almalinux", "amazonlinux", "oraclelinux",
    "ubi", "buildpack-deps", "python", "node", "golang", "ruby", "php", "perl", "rust", "openjdk",
    "eclipse-temurin", "maven", "gradle",
})
_BUSYBOX_IMAGES = frozenset({"alpine", "busybox"})
# Variants of the images above that are not their usual Linux userland.
_OTHER_VARIANTS = ("windows", "nanoserver", "servercore", "distroless")


def base_image(stage: Stage) -> str | None:
    """The external image a stage builds on (through the stages it is `FROM`), None when unknown."""
    root = stage
    while root.base_stage is not None:
        root = root.base_stage
    return root.base_name if root.base_name_known else None


def userland_of(image: str) -> Userland | None:
    """The userland of an image reference such as `python:3.12-slim`, when it is well known."""
    reference = image.split("@", 1)[0].lower()
    path, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    name = path.rsplit("/", 1)[-1]
    if name in _BUSYBOX_IMAGES or "alpine" in tag or "busybox" in tag:
        return Userland.BUSYBOX
    if name in _GNU_IMAGES and not any(variant in tag for variant in _OTHER_VARIANTS):
        return Userland.GNU
    return None


def stage_userland(stage: Stage | None) -> Userland | None:
    """The userland of the image a stage builds on, when it is well known."""
    if stage is None:
        return None
    image = base_image(stage)
    return userland_of(image) if image is not None else None
