"""An image built by buildah from a real Dockerfile, with one layer per RUN and COPY.

The recipe follows ../shared/reference/images.md section 10.5: a busybox base
made with umoci, imported into a private vfs storage, then `buildah bud
--layers` with chroot isolation (no daemon, no mounts left behind). The
Dockerfile plants problems whose history entries are Dockerfile steps, so
image findings can be traced back to its lines.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE = """\
FROM localhost/busybox-base:latest
ARG DB_PASSWORD=hunter2
ENV API_TOKEN=fixture-token-not-real
RUN mkdir -p /root/.ssh /app/.git /opt/shared \\
 && echo fake-key > /root/.ssh/id_rsa \\
 && cp /bin/busybox /bin/suid-busybox && chmod 4755 /bin/suid-busybox \\
 && chmod 777 /opt/shared
COPY main.py /app/main.py
RUN rm /root/.ssh/id_rsa
EXPOSE 22
USER 0
CMD python3 /app/main.py
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
bah bud -q --layers --isolation chroot -t localhost/bad-run:1 "$D/ctx" > /dev/null
bah push -q localhost/bad-run:1 "oci:$D/oci:1"
bah push -q localhost/bad-run:1 "docker-archive:$D/docker-archive.tar:bad/run:1"
bah push -q localhost/bad-run:1 "oci-archive:$D/oci-archive.tar:1"
bah rmi -a -f > /dev/null 2>&1 || true
"""


@dataclass(frozen=True)
class BuildahImage:
    dockerfile: Path
    sources: dict[str, str]
    """Input kind -> the SOURCE argument of `dockgate image`."""


def build_buildah_image(directory: Path) -> BuildahImage:
    """Build the image into `directory` (about 4 s) and write it in the three local kinds."""
    context = directory / "ctx"
    context.mkdir(parents=True)
    (context / "Dockerfile").write_text(DOCKERFILE)
    (context / "main.py").write_text('print("hi")\n')
    completed = subprocess.run(
        ["sh", "-c", _BUILD_SCRIPT, "build", str(directory)], capture_output=True, text=True, timeout=300
    )
    if completed.returncode != 0:
        raise RuntimeError(f"buildah build failed: {completed.stderr[-2000:]}")
    # The storage holds root-owned vfs layers nobody needs once the image is written out.
    shutil.rmtree(directory / "storage", ignore_errors=True)
    return BuildahImage(
        dockerfile=context / "Dockerfile",
        sources={
            "oci": f"oci:{directory / 'oci'}:1",
            "docker-archive": f"docker-archive:{directory / 'docker-archive.tar'}",
            "oci-archive": f"oci-archive:{directory / 'oci-archive.tar'}:1",
        },
    )
