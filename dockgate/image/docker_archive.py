"""`docker save` tars, both the pre-25 layout and Docker 25+ (an OCI layout plus the legacy files).

manifest.json is read first whenever it is there: it always lists the
layers, while Docker 25's index.json has been empty, null or short of
layers (moby#47065, #47210, #51389). Only a tar without manifest.json is read
through its index.json, as an OCI layout.
"""

from __future__ import annotations

import hashlib

from pydantic import RootModel

from dockgate.image.blobs import TarBlobStore, layer_opener
from dockgate.image.errors import ImageError
from dockgate.image.image import Image, Layer, pair_history
from dockgate.image.layout import config_platform, platform_mismatch, read_layout
from dockgate.image.models import (
    MAX_CONFIG_BYTES,
    MAX_MANIFEST_BYTES,
    DockerArchiveEntry,
    ImageConfig,
    Platform,
    load_json,
)
from dockgate.lazy_pattern import LazyPattern

LAYER_MEDIA_TYPE = "application/vnd.docker.image.rootfs.diff.tar"
_HEX_NAME = LazyPattern(r"(?:^|/)(?:blobs/sha256/)?([0-9a-f]{64})(?:\.tar|\.json)?$")
_HASH_CHUNK = 1024 * 1024


class _ArchiveManifest(RootModel[list[DockerArchiveEntry]]):
    """manifest.json: one entry per saved image."""


def read_docker_archive(store: TarBlobStore, *, reference: str | None, platform: Platform | None, name: str) -> Image:
    """The image `reference` names in the archive (a RepoTag or `@N`), or its first; the Image owns `store`."""
    if not store.exists("manifest.json"):
        if store.exists("index.json"):
            return read_layout(store, tag=reference, platform=platform, name=name, source="docker-archive")
        raise ImageError("no manifest.json and no index.json: not a docker save archive")
    entries = load_json(store.read("manifest.json", MAX_MANIFEST_BYTES), _ArchiveManifest, "manifest.json").root
    entry, notices = _choose_entry(entries, reference, name)
    config_data = store.read(entry.config, MAX_CONFIG_BYTES)
    config_digest = "sha256:" + hashlib.sha256(config_data).hexdigest()
    named_digest = _digest_in_name(entry.config)
    if named_digest is not None and named_digest != config_digest:
        raise ImageError(f"{entry.config}: content does not match its digest (a truncated or altered copy)")
    config = load_json(config_data, ImageConfig, entry.config, MAX_CONFIG_BYTES)
    image = Image(
        name=name,
        source="docker-archive",
        config=config,
        layers=_layers(store, entry.layers, config, name),
        digest=config_digest,
        platform=config_platform(config),
        notices=notices,
        close=store.close,
    )
    image.notices += platform_mismatch(image, platform)
    return image


def _choose_entry(
    entries: list[DockerArchiveEntry], reference: str | None, name: str
) -> tuple[DockerArchiveEntry, list[str]]:
    if not entries:
        raise ImageError("manifest.json lists no images")
    tags = ", ".join(tag for entry in entries for tag in entry.repo_tags) or "none"
    if reference is None:
        notices = []
        if len(entries) > 1:
            first = ", ".join(entries[0].repo_tags) or "untagged"
            notices.append(f"{name}: the archive holds {len(entries)} images (tags: {tags}); linted the first "
                           f"({first}); name another as docker-archive:FILE:REPO:TAG or docker-archive:FILE:@N")
        return entries[0], notices
    if reference.startswith("@"):
        position = reference[1:]
        if not position.isdigit() or int(position) >= len(entries):
            raise ImageError(f"{reference}: the archive holds images @0 to @{len(entries) - 1}")
        return entries[int(position)], []
    wanted = _short_reference(reference)
    for entry in entries:
        if any(_short_reference(tag) == wanted for tag in entry.repo_tags):
            return entry, []
    raise ImageError(f"no image tagged {reference!r} in the archive (tags: {tags})")


def _short_reference(reference: str) -> str:
    """`reference` as Docker shortens it: no docker.io/library/ prefix, `:latest` when untagged."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if reference.startswith(prefix):
            reference = reference[len(prefix):]
            break
    if "@" not in reference and ":" not in reference.rpartition("/")[2]:
        reference += ":latest"
    return reference


def _digest_in_name(member: str) -> str | None:
    """The sha256 a member's name carries (`<hex>.tar`, `<hex>.json`, `blobs/sha256/<hex>`), if any."""
    match = _HEX_NAME.search(member)
    return f"sha256:{match.group(1)}" if match else None


def _layers(store: TarBlobStore, members: list[str], config: ImageConfig, name: str) -> list[Layer]:
    """The listed layer members, each resolved through links and required to be present."""
    diff_ids: list[str | None] = list(config.rootfs.diff_ids)
    if len(diff_ids) != len(members):
        diff_ids = [None] * len(members)
    history = pair_history(config, len(members))
    layers = []
    for position, member in enumerate(members):
        try:
            target = store.target(member)
            size = store.size(target)
        except ImageError as error:
            raise ImageError(f"layer {position}: {error}") from None
        digest = _digest_in_name(target) or diff_ids[position] or _hash_member(store, target)
        layers.append(Layer(
            index=position,
            digest=digest,
            diff_id=diff_ids[position],
            size=size,
            media_type=LAYER_MEDIA_TYPE,
            history_index=history[position],
            open=layer_opener(store, target, f"{name}: layer {position}"),
        ))
    return layers


def _hash_member(store: TarBlobStore, member: str) -> str:
    """The sha256 of a layer whose name and config give none (an old `<id>/layer.tar` with odd diff_ids)."""
    digest = hashlib.sha256()
    with store.open(member) as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()
