"""Picking one image from a multi-platform index, as `--platform os/arch[/variant]` asks."""

from __future__ import annotations

import platform as host

from dockgate.image.errors import ImageError
from dockgate.image.models import Descriptor, ImageIndex, Platform

# Python's machine names -> the GOARCH names images use.
_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm",
                  "i386": "386", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
_ATTESTATION = "attestation-manifest"


def parse_platform(text: str) -> Platform:
    """`linux/arm64`, `linux/arm/v7`; raises ImageError on anything else."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ImageError(f"--platform {text!r}: expected os/arch or os/arch/variant, such as linux/amd64")
    return Platform(os=parts[0], architecture=parts[1], variant=parts[2] if len(parts) == 3 else None)


def host_platform() -> Platform:
    machine = host.machine().lower()
    architecture = _ARCHITECTURES.get(machine, machine)
    variant = "v7" if machine == "armv7l" else None
    return Platform(os="linux", architecture=architecture, variant=variant)


def choose_manifest(index: ImageIndex, wanted: Platform, what: str) -> Descriptor:
    """The entry of `index` for `wanted`; attestations are not images and never chosen.

    An entry without a platform matches only when it is the index's one image.
    A wanted platform without a variant takes the first entry of its os and
    architecture (Docker's choice for arm64, whose images say v8 or nothing).
    """
    images = [entry for entry in index.manifests if not _is_attestation(entry)]
    if len(images) == 1 and images[0].platform is None:
        return images[0]
    for entry in images:
        platform = entry.platform
        if platform is None or platform.os != wanted.os or platform.architecture != wanted.architecture:
            continue
        if wanted.variant is None or platform.variant in (None, wanted.variant):
            return entry
    available = ", ".join(str(entry.platform) for entry in images if entry.platform is not None) or "none"
    raise ImageError(f"{what}: no image for platform {wanted} (available: {available}); choose one with --platform")


def _is_attestation(entry: Descriptor) -> bool:
    annotations = entry.annotations or {}
    if annotations.get("vnd.docker.reference.type") == _ATTESTATION:
        return True
    return entry.platform is not None and entry.platform.os == "unknown" and entry.platform.architecture == "unknown"
