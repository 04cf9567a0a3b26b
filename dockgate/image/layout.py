"""OCI image layouts, as a directory (`oci:DIR[:TAG]`) or a tar (`oci-archive:FILE[:TAG]`).

A layout names its images in index.json by the `org.opencontainers.image.ref.name`
annotation; an entry may be a nested index (multi-platform), from which the
wanted platform is chosen. From the chosen manifest come the config and the
ordered layers. Every manifest, index and config is checked against its
digest; layers are left to be streamed later.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from dockgate.image.blobs import BlobStore, blob_name, layer_opener, read_verified
from dockgate.image.errors import ImageError
from dockgate.image.image import Image, Layer, pair_history
from dockgate.image.models import (
    INDEX_TYPES,
    MANIFEST_TYPES,
    MAX_CONFIG_BYTES,
    MAX_MANIFEST_BYTES,
    SCHEMA1_TYPES,
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Platform,
    load_json,
    sniff_media_type,
)
from dockgate.image.platforms import choose_manifest, host_platform

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
"""Docker 25+ puts the full image name here and only the tag in ref.name."""
_MAX_NESTED_INDEXES = 4
_MARKER_LIMIT = 64 * 1024


class _LayoutMarker(BaseModel):
    """The `oci-layout` file: its presence and version mark a directory or tar as a layout."""

    model_config = ConfigDict(extra="ignore")

    image_layout_version: str = Field(alias="imageLayoutVersion")


def read_layout(store: BlobStore, *, tag: str | None, platform: Platform | None, name: str, source: str) -> Image:
    """The image tagged `tag` (or the layout's only image) for `platform`; the Image owns `store`."""
    if not store.exists("oci-layout"):
        raise ImageError("no oci-layout file: not an OCI image layout")
    load_json(store.read("oci-layout", _MARKER_LIMIT), _LayoutMarker, "oci-layout", limit=_MARKER_LIMIT)
    index = load_json(store.read("index.json", MAX_MANIFEST_BYTES), ImageIndex, "index.json")
    wanted = platform or host_platform()
    image = image_from_descriptor(store, select_tag(index, tag, wanted), platform=wanted, name=name, source=source)
    image.notices += platform_mismatch(image, platform)
    return image


def select_tag(index: ImageIndex, tag: str | None, platform: Platform) -> Descriptor:
    """The index.json entry for `tag`; without a tag, the layout's only entry.

    Several entries under one tag (a flat multi-platform layout) are told apart by platform.
    """
    entries = index.manifests
    if not entries:
        raise ImageError("index.json lists no images")
    if tag is None:
        if len(entries) == 1:
            return entries[0]
        raise ImageError(f"the layout holds {len(entries)} images; name one with a tag: {_tag_list(entries)}")
    matches = [entry for entry in entries if tag in _names(entry)]
    if not matches:
        raise ImageError(f"no image tagged {tag!r} (tags: {_tag_list(entries)})")
    if len(matches) == 1:
        return matches[0]
    return choose_manifest(ImageIndex(schemaVersion=2, manifests=matches), platform, f"tag {tag!r}")


def _names(entry: Descriptor) -> tuple[str, ...]:
    annotations = entry.annotations or {}
    return tuple(annotations[key] for key in (REF_NAME, CONTAINERD_NAME) if key in annotations)


def _tag_list(entries: list[Descriptor]) -> str:
    tags = [(entry.annotations or {}).get(REF_NAME) or f"(untagged {entry.digest[:19]})" for entry in entries]
    return ", ".join(dict.fromkeys(tags))


def image_from_descriptor(
    store: BlobStore, descriptor: Descriptor, *, platform: Platform, name: str, source: str
) -> Image:
    """Follows `descriptor` through nested indexes to one manifest and reads its image."""
    notices: list[str] = []
    chosen_platform = descriptor.platform
    for _ in range(_MAX_NESTED_INDEXES):
        data = read_verified(store, descriptor.digest, MAX_MANIFEST_BYTES)
        kind = _document_kind(descriptor, data)
        if kind in SCHEMA1_TYPES:
            raise ImageError(f"manifest {descriptor.digest}: Docker schema 1 manifests are not supported")
        if kind not in INDEX_TYPES:
            manifest = load_json(data, ImageManifest, f"manifest {descriptor.digest}")
            image = image_from_manifest(store, manifest, descriptor.digest, name=name, source=source)
            image.platform = chosen_platform or image.platform
            image.notices[:0] = notices
            return image
        index = load_json(data, ImageIndex, f"index {descriptor.digest}")
        descriptor = choose_manifest(index, platform, f"index {descriptor.digest}")
        chosen_platform = descriptor.platform
        if len(index.manifests) > 1:
            notices.append(f"{name}: linted the {chosen_platform or 'only'} image of a multi-platform index")
    raise ImageError(f"more than {_MAX_NESTED_INDEXES} indexes nested in one another")


def _document_kind(descriptor: Descriptor, data: bytes) -> str | None:
    """The media type of a manifest-like blob: from its descriptor, else sniffed (umoci omits it)."""
    if descriptor.media_type in INDEX_TYPES | MANIFEST_TYPES:
        return descriptor.media_type
    try:
        return sniff_media_type(json.loads(data))
    except (ValueError, RecursionError):
        return None  # load_json then reports the malformed document


def image_from_manifest(store: BlobStore, manifest: ImageManifest, digest: str, *, name: str, source: str) -> Image:
    """The Image of one manifest: its config and its layers, each of which must be present."""
    config_digest = manifest.config.digest
    config = load_json(
        read_verified(store, config_digest, MAX_CONFIG_BYTES), ImageConfig, f"config {config_digest}", MAX_CONFIG_BYTES
    )
    notices = []
    diff_ids = config.rootfs.diff_ids
    if not manifest.layers and diff_ids:
        notices.append(f"{name}: the manifest lists no layers but the config has {len(diff_ids)} "
                       "(Docker 25.0.0 wrote such manifests, moby#47065); layer checks were skipped")
    # A config whose diff_ids do not pair with the layers names none of them.
    layer_diff_ids: list[str | None] = (
        list(diff_ids) if len(diff_ids) == len(manifest.layers) else [None] * len(manifest.layers)
    )
    history = pair_history(config, len(manifest.layers))
    layers = []
    for position, layer in enumerate(manifest.layers):
        member = blob_name(layer.digest)
        try:
            size = store.size(member)
        except ImageError as error:
            raise ImageError(f"layer {position}: {error}") from None
        layers.append(Layer(
            index=position,
            digest=layer.digest,
            diff_id=layer_diff_ids[position],
            size=size,
            media_type=layer.media_type,
            history_index=history[position],
            open=layer_opener(store, member, f"{name}: layer {position}"),
        ))
    return Image(
        name=name,
        source=source,
        config=config,
        layers=layers,
        digest=digest,
        platform=config_platform(config),
        annotations=dict(manifest.annotations or {}),
        notices=notices,
        close=store.close,
    )


def config_platform(config: ImageConfig) -> Platform | None:
    """The platform an image config claims, when it claims one."""
    if not config.os or not config.architecture:
        return None
    return Platform(os=config.os, architecture=config.architecture, variant=config.variant)


def platform_mismatch(image: Image, asked: Platform | None) -> list[str]:
    """A notice when --platform asked for another platform than the only one the source holds."""
    actual = image.platform
    if asked is None or actual is None:
        return []
    same_variant = None in (asked.variant, actual.variant) or asked.variant == actual.variant
    if (actual.os, actual.architecture) == (asked.os, asked.architecture) and same_variant:
        return []
    return [f"{image.name}: holds only a {actual} image, not the {asked} asked for; linted {actual}"]
