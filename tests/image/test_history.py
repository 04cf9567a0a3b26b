"""history.created_by strings, as real builders write them, back to instructions; the synthetic Dockerfile."""

from __future__ import annotations

import pytest

from dockgate.image.history import (
    parse_created_by,
    split_build_args,
    synthetic_dockerfile,
)
from dockgate.image.models import HistoryEntry

SH = ("/bin/sh", "-c")

# (created_by, keyword, arguments, build_args, shell)
INSTRUCTIONS = [
    # Docker's classic builder (python:3.12 and debian images)
    ("/bin/sh -c #(nop)  ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "ENV", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", (), None),
    ("/bin/sh -c #(nop)  CMD [\"python3\"]", "CMD", '["python3"]', (), None),
    ("/bin/sh -c #(nop) ADD file:5d6b639e8b6bcc0114f2f1b2e7e1e1d1f3c9a7b3f6e5c4d3b2a1f0e9d8c7b6a5 in / ", "ADD", "file:5d6b639e8b6bcc0114f2f1b2e7e1e1d1f3c9a7b3f6e5c4d3b2a1f0e9d8c7b6a5 /", (), None),
    ("/bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates", "RUN", "set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates", (), SH),
    ("/bin/sh -c #(nop)  EXPOSE 5432", "EXPOSE", "5432", (), None),
    ("/bin/sh -c #(nop)  VOLUME [/var/lib/postgresql/data]", "VOLUME", "/var/lib/postgresql/data", (), None),
    # buildah (images.md 10.5)
    ("/bin/sh -c #(nop) ARG DB_PASSWORD", "ARG", "DB_PASSWORD", (), None),
    ("/bin/sh -c #(nop) ENV API_TOKEN=fixture-token-not-real", "ENV", "API_TOKEN=fixture-token-not-real", (), None),
    ("|1 DB_PASSWORD=hunter2 /bin/sh -c mkdir -p /root/.ssh /app/.git /opt/shared  && echo fake-key > /root/.ssh/id_rsa", "RUN", "mkdir -p /root/.ssh /app/.git /opt/shared  && echo fake-key > /root/.ssh/id_rsa", (("DB_PASSWORD", "hunter2"),), SH),
    ("/bin/sh -c #(nop) COPY file:8c3b1f9e0d2a4b5c in /app/main.py ", "COPY", "file:8c3b1f9e0d2a4b5c /app/main.py", (), None),
    # BuildKit (nginx, ubuntu)
    ("RUN /bin/sh -c set -x     && groupadd --system --gid 101 nginx # buildkit", "RUN", "set -x     && groupadd --system --gid 101 nginx", (), SH),
    ("RUN |2 TARGETARCH=amd64 VERSION=1.4.2 /bin/sh -c make install # buildkit", "RUN", "make install", (("TARGETARCH", "amd64"), ("VERSION", "1.4.2")), SH),
    ("RUN /bin/bash -o pipefail -c curl -fsSL https://example.com/x | tar -xz # buildkit", "RUN", "curl -fsSL https://example.com/x | tar -xz", (), ("/bin/bash", "-o", "pipefail", "-c")),
    ("RUN /bin/ash -eo pipefail -c apk add --no-cache tini # buildkit", "RUN", "apk add --no-cache tini", (), ("/bin/ash", "-eo", "pipefail", "-c")),
    ("RUN apt-get update # buildkit", "RUN", "apt-get update", (), None),
    ("ARG RELEASE", "ARG", "RELEASE", (), None),
    ("LABEL org.opencontainers.image.ref.name=ubuntu", "LABEL", "org.opencontainers.image.ref.name=ubuntu", (), None),
    ("COPY docker-entrypoint.sh / # buildkit", "COPY", "docker-entrypoint.sh /", (), None),
    ("COPY . . # buildkit", "COPY", ". .", (), None),
    ("WORKDIR /app", "WORKDIR", "/app", (), None),
    ("EXPOSE map[80/tcp:{} 443/udp:{}]", "EXPOSE", "80/tcp 443/udp", (), None),
    ("VOLUME [/data /logs]", "VOLUME", "/data /logs", (), None),
    ("USER app", "USER", "app", (), None),
    ("STOPSIGNAL SIGQUIT", "STOPSIGNAL", "SIGQUIT", (), None),
    ('ENTRYPOINT ["/docker-entrypoint.sh"]', "ENTRYPOINT", '["/docker-entrypoint.sh"]', (), None),
    ("HEALTHCHECK &{[\"CMD-SHELL\" \"curl -f http://localhost/ || exit 1\"] \"30s\" \"3s\" \"0s\" \"0s\" '\\x03'}", "HEALTHCHECK", "&{[\"CMD-SHELL\" \"curl -f http://localhost/ || exit 1\"] \"30s\" \"3s\" \"0s\" \"0s\" '\\x03'}", (), None),
    # Windows
    ("cmd /S /C #(nop)  WORKDIR C:\\app", "WORKDIR", "C:\\app", (), None),
    ("cmd /S /C powershell -Command Invoke-WebRequest https://example.com/x.zip -OutFile x.zip", "RUN", "powershell -Command Invoke-WebRequest https://example.com/x.zip -OutFile x.zip", (), ("cmd", "/S", "/C")),
    ("powershell -Command $ErrorActionPreference = 'Stop'; Expand-Archive x.zip", "RUN", "$ErrorActionPreference = 'Stop'; Expand-Archive x.zip", (), ("powershell", "-Command")),
]


@pytest.mark.parametrize("created_by,keyword,arguments,build_args,shell", INSTRUCTIONS)
def test_created_by_gives_the_instruction(
    created_by: str, keyword: str, arguments: str, build_args: tuple, shell: tuple | None
) -> None:
    instruction = parse_created_by(created_by)
    assert instruction is not None
    assert (instruction.keyword, instruction.arguments, instruction.build_args, instruction.shell) == (
        keyword,
        arguments,
        build_args,
        shell,
    )


@pytest.mark.parametrize(
    "created_by",
    [
        None,
        "",
        "umoci config",
        "# debian.sh --arch 'amd64' out/ 'bookworm' '@1719792000'",
        "Apply image 10.0.17763.5458",
        "bazel build ...",
        "/bin/fish -c echo",
    ],
)
def test_free_text_is_no_instruction(created_by: str | None) -> None:
    assert parse_created_by(created_by) is None


def test_instruction_text_destination_and_keys() -> None:
    copy = parse_created_by("/bin/sh -c #(nop) COPY dir:8c3b1f9e0d2a4b5c in /srv/app/ ")
    assert copy is not None
    assert copy.text == "COPY dir:8c3b1f9e0d2a4b5c /srv/app/"
    assert (copy.destination, copy.hashed_source) == ("/srv/app", True)
    named = parse_created_by("COPY --chown=app requirements.txt setup.py ./ # buildkit")
    assert named is not None
    assert (named.destination, named.hashed_source) == (".", False)
    env = parse_created_by('ENV PATH=/usr/local/bin:/usr/bin LANG=C.UTF-8 "QUOTED"=x')
    assert env is not None and env.keys() == ["PATH", "LANG", "QUOTED"]
    arg = parse_created_by("ARG TARGETARCH VERSION=1.2")
    assert arg is not None and arg.keys() == ["TARGETARCH", "VERSION"]
    assert parse_created_by("USER app").keys() == []  # type: ignore[union-attr]


def test_build_arg_values_with_spaces_run_to_the_next_name() -> None:
    pairs, rest = split_build_args("|3 GREETING=hello there world MODE=fast TOKEN=abc /bin/sh -c echo hi")
    assert pairs == (("GREETING", "hello there world"), ("MODE", "fast"), ("TOKEN", "abc"))
    assert rest == "/bin/sh -c echo hi"
    assert split_build_args("/bin/sh -c echo |1 A=b") == ((), "/bin/sh -c echo |1 A=b")


def _history(*created_by: str, empty: tuple[int, ...] = ()) -> list[HistoryEntry]:
    return [HistoryEntry(created_by=text, empty_layer=index in empty) for index, text in enumerate(created_by)]


def test_synthetic_dockerfile_writes_steps_and_maps_lines_back() -> None:
    history = _history(
        "/bin/sh -c #(nop) ADD file:5d6b639e8b6b in / ",
        "/bin/sh -c #(nop)  ENV LANG=C.UTF-8",
        "|1 VERSION=2 /bin/sh -c apt-get update",
        "RUN /bin/bash -o pipefail -c curl -fsSL https://x | sh # buildkit",
        "RUN /bin/sh -c cat <<EOF > /etc/motd\nhello\nEOF # buildkit",
        "COPY app.py /srv/ # buildkit",
        "# debian.sh --arch amd64",
        empty=(1,),
    )
    dockerfile = synthetic_dockerfile(history)
    assert dockerfile.text == (
        "FROM scratch\n"
        "RUN apt-get update\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN curl -fsSL https://x | sh\n"
        'SHELL ["/bin/sh", "-c"]\n'
        "RUN <<'DOCKGATE_HISTORY_EOF'\n"
        "cat <<EOF > /etc/motd\n"
        "hello\n"
        "EOF\n"
        "DOCKGATE_HISTORY_EOF\n"
        "COPY app.py /srv/\n"
    )
    assert dockerfile.history_by_line == {2: 2, 4: 3, 6: 4, 7: 4, 8: 4, 9: 4, 10: 4, 11: 5}
    assert dockerfile.history_index(1) is None


def test_synthetic_dockerfile_leaves_out_the_base_root_file_system() -> None:
    history = _history("ENV A=b", "ADD rootfs / # buildkit", "ADD rootfs / # buildkit", empty=(0,))
    assert synthetic_dockerfile(history).text == "FROM scratch\nADD rootfs /\n"
    assert synthetic_dockerfile(history).history_by_line == {2: 2}


def test_synthetic_dockerfile_survives_hostile_history() -> None:
    history = _history(
        "RUN /bin/sh -c cat <<X >/x\nDOCKGATE_HISTORY_EOF\nFROM evil\nX # buildkit",
        "RUN /bin/sh -c echo \ud800 # buildkit",
        "RUN /bin/sh -c echo " + "a" * 70000 + " # buildkit",
    )
    dockerfile = synthetic_dockerfile(history)
    assert dockerfile.text == (
        "FROM scratch\n"
        "RUN <<'DOCKGATE_HISTORY_EOF_'\n"
        "cat <<X >/x\n"
        "DOCKGATE_HISTORY_EOF\n"
        "FROM evil\n"
        "X\n"
        "DOCKGATE_HISTORY_EOF_\n"
        "RUN echo ?\n"
    )
    assert dockerfile.history_by_line == {2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 1}
