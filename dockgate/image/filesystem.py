"""An image's files: every layer's own entries, and the filesystem a container starts with.

Both views are kept because they answer different questions. The merged
final view (whiteouts and opaque directories applied, later layers winning)
is what runs: setuid bits, world-writable paths, caches. The per-layer
entries are what ships: a key added in layer N and deleted in layer N+1 is
gone from the final view yet anyone who pulls the image can extract it from
layer N (security.md §9). For each entry that a later layer deletes or
replaces, `removal` says which layer did it and how.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from dockgate.image.image import Image
from dockgate.image.layers import LayerEntry, LayerProblem, LayerScan, scan_layer


class Provider(NamedTuple):
    """The layer whose entry a path of the final filesystem is."""

    layer: int
    entry: LayerEntry


@dataclass(frozen=True, slots=True)
class Removal:
    """How a later layer made an entry disappear from the final filesystem."""

    layer: int
    how: Literal["deleted", "overwritten"]
    """`deleted` by a whiteout or an opaque directory; `overwritten` by an entry at the same
    path (or, for what was below a directory, by a non-directory in its place)."""


@dataclass
class LayeredFilesystem:
    """The layers' scans in order, the merged final view, and what each layer lost to later ones."""

    layers: list[LayerScan]
    final: dict[str, Provider] = field(default_factory=dict)
    removals: list[dict[str, Removal]] = field(default_factory=list)
    """Per layer: its paths that a later layer deleted or overwrote."""

    def removal(self, layer: int, path: str) -> Removal | None:
        return self.removals[layer].get(path)

    def final_content(self, path: str) -> tuple[int, bytes] | None:
        """The layer and the kept contents of `path` as the container sees it, if kept."""
        provider = self.final.get(path)
        if provider is None or provider.entry.kind != "file":
            return None
        content = self.layers[provider.layer].contents.get(path)
        return None if content is None else (provider.layer, content)

    @property
    def uncompressed_size(self) -> int:
        """Bytes of regular files over all layers, overwritten and deleted ones included."""
        return sum(entry.size for scan in self.layers for entry in scan.entries.values())


MAX_IMAGE_ENTRIES = 2_000_000
"""Entries kept over all the layers of one image (a layer listed twice counts twice, as it is
merged twice). With the merged view this bounds the scan near 1 GB; the largest real images
hold well under a million."""


def scan_image(image: Image) -> LayeredFilesystem:
    """Read each layer of `image` once, in order, and merge them as a container runtime would.

    A blob the manifest lists more than once (a hostile manifest can list one layer
    thousands of times) is read once: the same digest is the same bytes. Layers past
    MAX_IMAGE_ENTRIES are not read, and each says so as a problem (DG5000)."""
    merger = _Merger()
    scanned: dict[str, LayerScan] = {}
    entries = 0
    for layer in image.layers or []:
        earlier = scanned.get(layer.digest)
        if entries >= MAX_IMAGE_ENTRIES:
            scan = LayerScan(index=layer.index, problems=[LayerProblem(
                f"not read: the layers below it hold {MAX_IMAGE_ENTRIES} entries, the most dockgate checks in one image"
            )])
        elif earlier is not None:
            scan = replace(earlier, index=layer.index)
        else:
            scan = scanned[layer.digest] = scan_layer(layer)
        entries += len(scan.entries)
        merger.apply(scan)
    return LayeredFilesystem(layers=merger.scans, final=merger.final, removals=merger.removals)


class _Merger:
    """Applies layers one by one, keeping an index of each directory's children so that
    deleting a directory does not mean searching every path of the image."""

    def __init__(self) -> None:
        self.scans: list[LayerScan] = []
        self.final: dict[str, Provider] = {}
        self.removals: list[dict[str, Removal]] = []
        self._children: dict[str, set[str]] = {}

    def apply(self, scan: LayerScan) -> None:
        # Whiteouts hide only what lower layers hold (OCI image spec, "Whiteouts"), so they go first.
        self.scans.append(scan)
        self.removals.append({})
        for directory in scan.opaque_dirs:
            for child in list(self._children.get(directory, ())):
                self._remove_tree(child, scan.index, "deleted")
        for path in scan.whiteouts:
            self._remove_tree(path, scan.index, "deleted")
        for path, entry in scan.entries.items():
            lower = self.final.get(path)
            if entry.kind == "dir":
                replaces = lower is not None and lower.entry.kind != "dir"
            else:  # a file in place of a directory hides what was below it, listed or not
                replaces = lower is not None or path in self._children
            if replaces:
                self._remove_tree(path, scan.index, "overwritten")
            self.final[path] = Provider(scan.index, entry)
            self._link(path)

    def _link(self, path: str) -> None:
        """Record `path` under its parent, and each missing ancestor under its own."""
        while path:
            parent = path.rpartition("/")[0]
            siblings = self._children.setdefault(parent, set())
            if path in siblings:
                return
            siblings.add(path)
            path = parent

    def _remove_tree(self, path: str, by_layer: int, how: Literal["deleted", "overwritten"]) -> None:
        siblings = self._children.get(path.rpartition("/")[0])
        if siblings is not None:
            siblings.discard(path)
        pending = [path]
        while pending:
            current = pending.pop()
            provider = self.final.pop(current, None)
            if provider is not None:
                self.removals[provider.layer][current] = Removal(by_layer, how)
            pending.extend(self._children.pop(current, ()))
