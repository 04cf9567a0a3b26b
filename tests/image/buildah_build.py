"""Images built by buildah from real Dockerfiles, with one layer per RUN and COPY.

The recipe follows ../shared/reference/images.md section 10.5: a busybox base
made with umoci, imported into a private vfs storage, then `buildah bud
--layers` with chroot isolation (no daemon, no mounts left behind). The bad
Dockerfile plants problems whose history entries are Dockerfile steps, so
image findings can be traced back to its lines; the clean one is built the
recommended way (non-root user, health check, provenance labels) in Docker's
format, the one that keeps HEALTHCHECK.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from archive_builders import descriptor, layout_members, manifest_bytes, write_members

from dockgate.image.models import OCI_MANIFEST

DOCKERFILE = """\
FROM localhost/busybox-base:latest
ARG DB_PASSWORD=hunter2
ENV API_TOKEN=q8Tk3LwQmZ7vN2xR5pYbHc4J
RUN mkdir -p /root/.ssh /app/.git /opt/shared \\
 && printf '%s\\n' '-----BEGIN OPENSSH PRIVATE KEY-----' 'b3BlbnNzaC1rZXktdjEAAAAA' \\
      '-----END OPENSSH PRIVATE KEY-----' > /root/.ssh/id_rsa \\
 && cp /bin/busybox /bin/suid-busybox && chmod 4755 /bin/suid-busybox \\
 && chmod 777 /opt/shared
COPY main.py /app/main.py
RUN rm /root/.ssh/id_rsa
EXPOSE 22
USER 0
CMD python3 /app/main.py
"""

CLEAN_DOCKERFILE = """\
FROM localhost/busybox-base:latest
LABEL org.opencontainers.image.source="https://example.test/app" \\
      org.opencontainers.image.revision="0123456789abcdef0123456789abcdef01234567"
COPY --chown=65534:65534 main.py /app/main.py
WORKDIR /app
USER 65534
HEALTHCHECK --interval=30s CMD ["/bin/true"]
CMD ["/bin/cat", "/app/main.py"]
"""

_BUILD_SCRIPT = r"""
set -eu
umask 022
D=$1
EPOCH=2024-01-01T00:00:00Z
umoci init --layout "$D/base"
umoci new --image "$D/base:latest"
umoci unpack --image "$D/base:latest" "$D/bundle"
R="$D/bundle/rootfs"
(cd "$R" && mkdir -p bin etc root tmp && chmod 1777 tmp)
cp "$(command -v busybox)" "$R/bin/busybox"
for applet in $("$R/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$R/bin/$applet"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534::/:/bin/sh' > "$R/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$R/etc/group"
find "$R" -exec touch -h -d "$EPOCH" {} +
umoci repack --image "$D/base:latest" --history.created "$EPOCH" "$D/bundle"
umoci config --image "$D/base:latest" --created "$EPOCH" --history.created "$EPOCH" \
    --config.env PATH=/bin --config.cmd /bin/sh
rm -rf "$D/bundle"
bah() { buildah --root "$D/storage" --runroot "$D/run" --storage-driver vfs "$@"; }
skopeo --insecure-policy copy -q "oci:$D/base:latest" \
    "containers-storage:[vfs@$D/storage+$D/run]localhost/busybox-base:latest"
for name in bad clean; do
    format=oci
    [ "$name" = clean ] && format=docker
    bah bud -q --layers --format "$format" --isolation chroot -t "localhost/$name:1" "$D/$name/ctx" > /dev/null
    bah push -q "localhost/$name:1" "docker-archive:$D/$name/docker-archive.tar:$name/app:1"
done
bah rmi -a -f > /dev/null 2>&1 || true
"""

_OCI_ARCHIVE_SCRIPT = r"""
set -eu
skopeo --insecure-policy copy -q "oci:$1:1" "oci-archive:$2:1"
"""


@dataclass(frozen=True)
class BuildahImage:
    dockerfile: Path
    layout: Path
    """The OCI layout (tag `1`), for pushing to a registry."""
    sources: dict[str, str]
    """Input kind -> the SOURCE argument of `dockgate image`."""


def build_buildah_images(directory: Path) -> dict[str, BuildahImage]:
    """Build the `bad` and `clean` images into `directory` (about 6 s), each in the three local kinds."""
    for name, text in (("bad", DOCKERFILE), ("clean", CLEAN_DOCKERFILE)):
        context = directory / name / "ctx"
        context.mkdir(parents=True)
        (context / "Dockerfile").write_text(text)
        (context / "main.py").write_text('print("hi")\n')
    completed = subprocess.run(
        ["sh", "-c", _BUILD_SCRIPT, "build", str(directory)], capture_output=True, text=True, timeout=300
    )
    if completed.returncode != 0:
        raise RuntimeError(f"buildah build failed: {completed.stderr[-2000:]}")
    # The storage holds root-owned vfs layers nobody needs once the images are written out.
    shutil.rmtree(directory / "storage", ignore_errors=True)
    shutil.rmtree(directory / "run", ignore_errors=True)
    for name in ("bad", "clean"):
        # buildah's and skopeo's OCI conversions drop a Docker config's Healthcheck, which
        # BuildKit keeps in OCI images; copy the config bytes as they are instead.
        archive_to_layout(directory / name / "docker-archive.tar", directory / name / "oci")
        subprocess.run(
            ["sh", "-c", _OCI_ARCHIVE_SCRIPT, "copy", str(directory / name / "oci"), str(directory / name / "oci-archive.tar")],
            check=True,
            timeout=120,
        )
    return {
        name: BuildahImage(
            dockerfile=directory / name / "ctx" / "Dockerfile",
            layout=directory / name / "oci",
            sources={
                "oci": f"oci:{directory / name / 'oci'}:1",
                "docker-archive": f"docker-archive:{directory / name / 'docker-archive.tar'}",
                "oci-archive": f"oci-archive:{directory / name / 'oci-archive.tar'}:1",
            },
        )
        for name in ("bad", "clean")
    }


def archive_to_layout(archive: Path, layout: Path) -> None:
    """Write the one image of a pre-25 docker-archive as an OCI layout tagged `1`, config bytes unchanged."""
    with tarfile.open(archive) as tar:
        entry = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        config = tar.extractfile(entry[0]["Config"]).read()  # type: ignore[union-attr]
        layers = [gzip.compress(tar.extractfile(name).read(), mtime=0) for name in entry[0]["Layers"]]  # type: ignore[union-attr]
    manifest = manifest_bytes(config, layers)
    tagged = descriptor(OCI_MANIFEST, manifest, annotations={"org.opencontainers.image.ref.name": "1"})
    write_members(layout, layout_members([tagged], [config, *layers, manifest]))
