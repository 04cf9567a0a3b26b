"""A fuzzing campaign over every target: `python -m tests.fuzz.campaign --minutes N [--jobs J] [target ...]`.

Each target runs in its own process for its share of the time, under atheris (coverage-guided,
seeded with the test suite's Dockerfiles and structure-aware generated ones) when it is
installed, else as a loop of generated and mutated inputs. An input that breaks a target is
written to tests/fuzz/regressions/<target>/ (so the normal test run replays it once fixed) and
the campaign exits 1. The last line says how many inputs each target ran.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import random
import sys
import tarfile
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .generate import dockerfile, seed_dockerfiles
from .targets import TARGETS

REGRESSIONS = Path(__file__).parent / "regressions"
GENERATED_SEEDS = 300
TEXT_TARGETS = ("parser", "engine", "shell", "expansion", "dockerignore", "config")


def _seeds(target: str) -> list[bytes]:
    rng = random.Random(target)
    if target in TEXT_TARGETS:
        return [seed.encode("utf-8") for seed in seed_dockerfiles()] + [dockerfile(rng).encode("utf-8") for _ in range(GENERATED_SEEDS)]
    if target == "image_json":
        return [b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "x", "digest": "sha256:' + b"0" * 64 + b'", "size": 2}, "layers": []}',
                b'{"architecture": "amd64", "os": "linux", "config": {"User": "root", "Env": ["A=b"]}, "rootfs": {"type": "layers", "diff_ids": []}, "history": [{"created_by": "RUN x"}]}',
                b'{"manifests": [{"mediaType": "x", "digest": "sha256:' + b"0" * 64 + b'", "size": 1, "platform": {"os": "linux", "architecture": "arm64"}}]}']
    seeds = [_tar_seed(format) for format in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT)]
    return seeds + [gzip.compress(seeds[-1])] if target == "layer" else seeds


def _tar_seed(format: int) -> bytes:
    """A small layer in one tar format: account and key files, a whiteout, links, and (beyond
    ustar) a long name and an owner too large for octal, so the extensions get mutated too."""
    buffer = io.BytesIO()
    pax_headers = {"comment": "global"} if format == tarfile.PAX_FORMAT else None
    with tarfile.open(fileobj=buffer, mode="w", format=format, pax_headers=pax_headers) as tar:
        members: list[tuple[str, bytes, bytes, str]] = [
            ("etc/passwd", tarfile.REGTYPE, b"root:x:0:0::/root:/bin/sh\n", ""),
            ("a/.wh.b", tarfile.REGTYPE, b"", ""),
            ("root/.ssh/id_rsa", tarfile.REGTYPE, b"-----BEGIN RSA PRIVATE KEY-----\n", ""),
            ("usr/bin/sh", tarfile.SYMTYPE, b"", "busybox"),
            ("usr/bin/ash", tarfile.LNKTYPE, b"", "usr/bin/sh"),
            ("usr", tarfile.DIRTYPE, b"", ""),
        ]
        if format != tarfile.USTAR_FORMAT:
            members.append(("opt/" + "deep/" * 30 + "file", tarfile.REGTYPE, b"long name", ""))
        for name, kind, body, target in members:
            info = tarfile.TarInfo(name)
            info.type, info.size, info.linkname = kind, len(body), target
            if format != tarfile.USTAR_FORMAT and name.startswith("opt/"):
                info.uid = 10**9
            tar.addfile(info, io.BytesIO(body) if body else None)
    return buffer.getvalue()


def _keep(target: str, data: bytes) -> Path:
    directory = REGRESSIONS / target
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"crash-{hashlib.sha256(data).hexdigest()[:16]}"
    path.write_bytes(data)
    return path


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """A few byte-level edits: flip, insert, delete, duplicate a slice."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        position = rng.randint(0, len(buffer))
        if roll < 0.3 and buffer:
            buffer[min(position, len(buffer) - 1)] = rng.randint(0, 255)
        elif roll < 0.55:
            buffer[position:position] = bytes([rng.choice(b"\\`\n\r\t $\"'{}[]()<>#=-:;|&*")])
        elif roll < 0.8 and buffer:
            del buffer[position : position + rng.randint(1, 8)]
        else:
            start = rng.randint(0, len(buffer))
            buffer[position:position] = buffer[start : start + rng.randint(1, 64)]
    return bytes(buffer)


def _loop(target: str, seconds: float, seed: int) -> tuple[str, int, list[str]]:
    """The fallback fuzzer: generated and mutated inputs until the time is up."""
    rng = random.Random(seed)
    corpus = _seeds(target)
    run = TARGETS[target]
    executions = 0
    crashes: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if target in TEXT_TARGETS and rng.random() < 0.3:
            data = dockerfile(rng).encode("utf-8")
        else:
            data = _mutate(rng, rng.choice(corpus))
        executions += 1
        try:
            run(data)
        except Exception:  # noqa: BLE001 - any escape is a finding of the campaign
            crashes.append(f"{_keep(target, data)}\n{traceback.format_exc(limit=-3)}")
            if len(crashes) >= 5:
                break
    return target, executions, crashes


def _atheris(target: str, seconds: float, seed: int) -> tuple[str, int, list[str]]:
    """atheris in a child process of its own: libFuzzer exits the process when it finds a crash."""
    import subprocess

    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus"
        corpus.mkdir()
        for index, data in enumerate(_seeds(target)):
            (corpus / f"seed-{index}").write_bytes(data)
        artifacts = Path(work) / "artifacts"
        artifacts.mkdir()
        command = [sys.executable, "-m", "tests.fuzz.atheris_main", target, str(corpus), f"-max_total_time={int(seconds)}", f"-seed={seed}",
                   f"-artifact_prefix={artifacts}/", "-print_final_stats=1", "-max_len=4096", "-rss_limit_mb=1536", "-timeout=20"]
        result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent.parent.parent)
        executions = 0
        for line in result.stderr.splitlines():
            if line.startswith("stat::number_of_executed_units:"):
                executions = int(line.split(":")[-1])
        crashes = []
        for artifact in sorted(artifacts.iterdir()):
            kept = _keep(target, artifact.read_bytes())
            crashes.append(f"{kept}\n" + "\n".join(result.stderr.splitlines()[-30:]))
        if result.returncode != 0 and not crashes:
            crashes.append(f"atheris exited {result.returncode}:\n" + "\n".join(result.stderr.splitlines()[-30:]))
        return target, executions, crashes


def _has_atheris() -> bool:
    try:
        import atheris  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--minutes", type=float, default=5.0, help="total wall time over all targets")
    options.add_argument("--jobs", type=int, default=2, help="targets fuzzed at once")
    options.add_argument("--seed", type=int, default=int(time.time()))
    options.add_argument("--no-atheris", action="store_true", help="use the generated-input loop even where atheris is installed")
    options.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[], metavar="target")
    args = options.parse_args(argv)
    targets = args.targets or list(TARGETS)
    seconds = max(args.minutes * 60 * args.jobs / len(targets), 2.0)
    fuzz = _loop if args.no_atheris or not _has_atheris() else _atheris
    started = time.monotonic()
    total = 0
    failed = False
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for target, executions, crashes in pool.map(fuzz, targets, [seconds] * len(targets), [args.seed] * len(targets)):
            total += executions
            print(f"{target}: {executions} executions in {seconds:.0f} s, {len(crashes)} crashes", flush=True)
            for crash in crashes:
                failed = True
                print(crash, flush=True)
    print(f"total: {total} executions in {time.monotonic() - started:.0f} s ({fuzz.__name__.strip('_')})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
