"""rules/common/base_images: which base images' userland the fixes may count on."""

from __future__ import annotations

import pytest

from dockgate.rules.common.base_images import Userland, userland_of


@pytest.mark.parametrize(
    "image,userland",
    [
        ("debian:12", Userland.GNU),
        ("docker.io/library/python:3.12-slim", Userland.GNU),
        ("registry.access.redhat.com/ubi9/ubi:9.4", Userland.GNU),
        ("node@sha256:" + "0" * 64, Userland.GNU),
        ("localhost:5000/ubuntu", Userland.GNU),
        ("alpine:3.20", Userland.BUSYBOX),
        ("python:3.12-alpine", Userland.BUSYBOX),
        ("busybox", Userland.BUSYBOX),
        ("golang:1.22-windowsservercore", None),
        ("example.com/tools:1", None),
        ("gcr.io/distroless/base", None),
    ],
)
def test_userland_of(image: str, userland: Userland | None) -> None:
    assert userland_of(image) is userland
