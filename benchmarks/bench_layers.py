"""Measure the layer scanner beside `gzip -dc LAYER | tar -t`: speed and peak memory.

Run it with the Python that dockgate is installed into:

    python benchmarks/bench_layers.py [--size-mb 600] [--layers 6] [--runs 3] [--json out.json]

benchmarks/README.md says what is measured and how to read it. Standard
library only, apart from dockgate itself.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

SPEED_TARGET = 0.7  # dockgate should reach at least this share of the peer's speed
MEMORY_TARGET_MB = 150
POOL_BYTES = 8 * 1024**2
GZIP_LEVEL = 6  # what Docker and BuildKit use by default


class BenchmarkError(Exception):
    """A set-up problem, reported as one message and exit status 2."""


def data_pool(seed: int) -> bytes:
    """Bytes that compress like an image's files: text, machine code-like records, and
    already-compressed assets, in runs long enough for gzip's 32 KiB window to see each kind."""
    rng = random.Random(seed)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz_", k=rng.randint(2, 12))) for _ in range(3000)]
    zipf = [1 / rank for rank in range(1, len(words) + 1)]  # a few words are very common, as in any text
    opcodes = [rng.randbytes(rng.randint(1, 4)) for _ in range(60)]
    pieces: list[bytes] = []
    size = 0
    while size < POOL_BYTES:
        kind = rng.random()
        if kind < 0.6:  # source code and text
            piece = " ".join(rng.choices(words, weights=zipf, k=4000)).replace("_ ", "\n").encode()
        elif kind < 0.92:  # binaries: repetitive instructions with varying operands
            piece = b"".join(
                rng.choice(opcodes) + (rng.randbytes(1) if rng.random() < 0.25 else b"\x00")
                for _ in range(6000)
            )
        else:  # images, archives, compressed data
            piece = rng.randbytes(24 * 1024)
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


def file_size(rng: random.Random) -> int:
    """Mostly small files, some medium ones, a few large: the shape of a distribution's tree
    (a Debian image with Python averages 10 to 15 KiB a file)."""
    roll = rng.random()
    if roll < 0.88:
        return rng.randint(50, 6 * 1024)
    if roll < 0.99:
        return rng.randint(6 * 1024, 64 * 1024)
    if roll < 0.9995:
        return rng.randint(64 * 1024, 1024**2)
    return rng.randint(2 * 1024**2, 8 * 1024**2)


def write_layer(path: Path, target_bytes: int, pool: bytes, rng: random.Random) -> tuple[int, int]:
    """A gzip layer of about `target_bytes` of files; returns (files, uncompressed file bytes)."""
    files = written = 0
    with gzip.open(path, "wb", compresslevel=GZIP_LEVEL) as compressed, tarfile.open(fileobj=compressed, mode="w|") as tar:
        while written < target_bytes:
            directory = f"usr/lib/pkg{rng.randint(0, 400)}/sub{rng.randint(0, 20)}"
            size = min(file_size(rng), len(pool) - 1)
            start = rng.randint(0, len(pool) - size)
            info = tarfile.TarInfo(f"{directory}/file{files}.{rng.choice(('py', 'so', 'txt', 'png', 'h', ''))}")
            info.size, info.mode, info.mtime = size, rng.choice((0o644, 0o755)), 1700000000
            tar.addfile(info, io.BytesIO(pool[start : start + size]))
            files += 1
            written += size
    return files, written


def make_layers(directory: Path, total_mb: int, layer_count: int) -> dict[str, int]:
    pool = data_pool(1)
    rng = random.Random(2)
    files = uncompressed = 0
    for index in range(layer_count):
        print(f"  writing layer {index + 1}/{layer_count}", end="\r", file=sys.stderr, flush=True)
        layer_files, layer_bytes = write_layer(directory / f"layer{index}.tar.gz", total_mb * 1024**2 // layer_count, pool, rng)
        files += layer_files
        uncompressed += layer_bytes
    print(" " * 30, end="\r", file=sys.stderr)
    compressed = sum(path.stat().st_size for path in directory.glob("layer*.tar.gz"))
    return {"files": files, "uncompressed": uncompressed, "compressed": compressed}


def scan_in_child(layer_paths: list[Path]) -> dict[str, float]:
    """Run the scan in a fresh interpreter, so that its peak memory is the scan's alone."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, layer_paths)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BenchmarkError(f"the scan failed:\n{completed.stderr.strip()}")
    return json.loads(completed.stdout)


def child(layer_paths: list[str]) -> None:
    """The measured side: scan_image over the layers, then time and peak memory as JSON."""
    import resource

    from dockgate.image.filesystem import scan_image
    from dockgate.image.image import Image, Layer
    from dockgate.image.models import ImageConfig

    layers = [
        Layer(index=index, digest=f"sha256:{index}", diff_id=None, size=None, media_type="", history_index=None,
              open=lambda path=path: open(path, "rb"))
        for index, path in enumerate(layer_paths)
    ]  # fmt: skip
    image = Image(name="bench", source="oci", config=ImageConfig(), layers=layers)
    start = time.perf_counter()
    filesystem = scan_image(image)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    problems = sum(len(scan.problems) for scan in filesystem.layers)
    entries = sum(len(scan.entries) for scan in filesystem.layers)
    tar_bytes = sum(scan.uncompressed_bytes for scan in filesystem.layers)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "entries": entries, "problems": problems,
                      "tar_mb": tar_bytes / 1024**2}))


def peer_seconds(layer_paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in layer_paths:
        completed = subprocess.run(
            f"gzip -dc '{path}' | tar -t > /dev/null", shell=True, stderr=subprocess.PIPE, check=False
        )
        if completed.returncode != 0:
            raise BenchmarkError(f"gzip | tar failed on {path.name}: {completed.stderr.decode().strip()}")
    return time.perf_counter() - start


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=600, help="uncompressed MiB of files over all layers")
    parser.add_argument("--layers", type=int, default=6, help="number of layers")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each side")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the layers to DIR and keep them (reused if there)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results to OUT")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args()


def run(arguments: argparse.Namespace, directory: Path) -> dict[str, object]:
    for tool in ("gzip", "tar"):
        if shutil.which(tool) is None:
            raise BenchmarkError(f"{tool} is not on PATH")
    layer_paths = [directory / f"layer{index}.tar.gz" for index in range(arguments.layers)]
    if all(path.exists() for path in layer_paths):
        compressed = sum(path.stat().st_size for path in layer_paths)
        sizes = {"compressed": compressed}
    else:
        sizes = make_layers(directory, arguments.size_mb, arguments.layers)
    scans, peers = [], []
    for number in range(arguments.runs):
        print(f"  run {number + 1}/{arguments.runs}", end="\r", file=sys.stderr, flush=True)
        scans.append(scan_in_child(layer_paths))
        peers.append(peer_seconds(layer_paths))
    print(" " * 30, end="\r", file=sys.stderr)
    scan_seconds = statistics.median(scan["seconds"] for scan in scans)
    peer = statistics.median(peers)
    peak = max(scan["peak_mb"] for scan in scans)
    speed = peer / scan_seconds
    print(f"python   {sys.executable} {platform.python_version()}, {os.cpu_count()} CPUs")
    described = ", ".join(f"{name} {value / 1024**2:.0f} MiB" if name != "files" else f"{value} files" for name, value in sizes.items())
    print(f"layers   {arguments.layers} gzip layers: {described}; "
          f"{scans[0]['entries']} entries, {scans[0]['tar_mb']:.0f} MiB of tar scanned")
    print(f"\nmedian of {arguments.runs} interleaved runs")
    print(f"{'side':<28} {'seconds':>8}")
    print(f"{'dockgate scan_image':<28} {scan_seconds:>8.2f}")
    print(f"{'gzip -dc | tar -t':<28} {peer:>8.2f}")
    verdict = "meets" if speed >= SPEED_TARGET else "misses"
    print(f"dockgate speed / peer speed: {speed:.2f}, {verdict} the {SPEED_TARGET} target")
    verdict = "meets" if peak < MEMORY_TARGET_MB else "misses"
    print(f"peak memory of the scan: {peak:.0f} MB, {verdict} the {MEMORY_TARGET_MB} MB target")
    if any(scan["problems"] for scan in scans):
        print("note: the scan reported layer problems; the layers are not well-formed")
    return {"sizes": sizes, "scan_seconds": scan_seconds, "peer_seconds": peer, "speed_ratio": speed, "peak_mb": peak,
            "runs": {"scan": scans, "peer": peers}}  # fmt: skip


def main() -> int:
    arguments = parse_arguments()
    if arguments.child:
        child(arguments.child)
        return 0
    try:
        if arguments.keep is not None:
            arguments.keep.mkdir(parents=True, exist_ok=True)
            results = run(arguments, arguments.keep)
        else:
            with tempfile.TemporaryDirectory(prefix="bench_layers.") as directory:
                results = run(arguments, Path(directory))
    except BenchmarkError as error:
        print(f"bench_layers: {error}", file=sys.stderr)
        return 2
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
