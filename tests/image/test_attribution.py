"""Image history entries matched to the Dockerfile instructions that wrote them."""

from __future__ import annotations

from image_builders import image_from_spec

from dockgate.dockerfile.parser import parse
from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import image_rules
from dockgate.image.attribution import attribute
from dockgate.rule_api.config import Config

DOCKERFILE = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM debian:12-slim
ARG DB_PASSWORD=hunter2
ENV API_TOKEN=fixture-token-not-real LANG=C.UTF-8
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/app ./app
COPY main.py /app/main.py
EXPOSE 8080
USER 65532
CMD ["./app"]
"""

RUN_SCRIPT = (
    "apt-get update  && apt-get install -y --no-install-recommends ca-certificates  && rm -rf /var/lib/apt/lists/*"
)

# As buildah 1.28 writes it (images.md 10.5): the base built with umoci, ARG without its default,
# a relative COPY destination left unresolved.
BUILDAH_HISTORY = [
    "umoci repack",
    "umoci config",
    "/bin/sh -c #(nop) ARG DB_PASSWORD",
    "/bin/sh -c #(nop) ENV API_TOKEN=fixture-token-not-real LANG=C.UTF-8",
    f"|1 DB_PASSWORD=hunter2 /bin/sh -c {RUN_SCRIPT}",
    "/bin/sh -c #(nop) WORKDIR /app",
    "/bin/sh -c #(nop) COPY file:0a1b2c3d in ./app ",
    "/bin/sh -c #(nop) COPY file:4e5f6a7b in /app/main.py ",
    "/bin/sh -c #(nop) EXPOSE 8080",
    "/bin/sh -c #(nop) USER 65532",
    '/bin/sh -c #(nop) CMD ["./app"]',
]

BUILDKIT_HISTORY = [
    "/bin/sh -c #(nop) ADD file:5d6b639e8b6bcc01 in / ",
    '/bin/sh -c #(nop)  CMD ["bash"]',
    "ARG DB_PASSWORD=hunter2",
    "ENV API_TOKEN=fixture-token-not-real LANG=C.UTF-8",
    f"RUN |1 DB_PASSWORD=hunter2 /bin/sh -c {RUN_SCRIPT} # buildkit",
    "WORKDIR /app",
    "COPY /out/app ./app # buildkit",
    "COPY main.py /app/main.py # buildkit",
    "EXPOSE map[8080/tcp:{}]",
    "USER 65532",
    'CMD ["./app"]',
]

# History index -> first line of the instruction it belongs to: base entries to the final FROM.
EXPECTED_LINES = {0: 6, 1: 6, 2: 7, 3: 8, 4: 9, 5: 12, 6: 13, 7: 14, 8: 15, 9: 16, 10: 17}


def _image(history: list[str], **config: object):  # type: ignore[no-untyped-def]
    return image_from_spec({"config": {"history": [{"created_by": text} for text in history], **config}})


def _lines(history: list[str], dockerfile: str = DOCKERFILE) -> dict[int, int]:
    with _image(history) as image:
        return {index: instruction.line for index, instruction in attribute(image, parse(dockerfile)).items()}


def test_buildah_history_matches_the_final_stage() -> None:
    assert _lines(BUILDAH_HISTORY) == EXPECTED_LINES


def test_buildkit_history_matches_the_final_stage() -> None:
    assert _lines(BUILDKIT_HISTORY) == EXPECTED_LINES


def test_alignment_stops_at_the_first_mismatch_and_gives_no_base() -> None:
    # Built from an older file: the RUN installed curl then.
    history = list(BUILDKIT_HISTORY)
    history[4] = "RUN |1 DB_PASSWORD=hunter2 /bin/sh -c apt-get update && apt-get install -y curl # buildkit"
    assert _lines(history) == {5: 12, 6: 13, 7: 14, 8: 15, 9: 16, 10: 17}


def test_nothing_matches_when_the_newest_entry_differs() -> None:
    assert _lines([*BUILDKIT_HISTORY, "LABEL extra=1"]) == {}


def test_stages_built_from_a_stage_and_onbuild_entries() -> None:
    dockerfile = """\
FROM alpine:3.20 AS base
RUN apk add --no-cache tini
FROM base
COPY --chown=app app /usr/local/bin/
ENTRYPOINT ["tini", "--", "app"]
"""
    history = [
        "ADD alpine-minirootfs-3.20.0-x86_64.tar.gz / # buildkit",
        'CMD ["/bin/sh"]',
        "RUN /bin/sh -c echo from an ONBUILD trigger # buildkit",
        "RUN /bin/sh -c apk add --no-cache tini # buildkit",
        "COPY app /usr/local/bin/ # buildkit",
        'ENTRYPOINT ["tini" "--" "app"]',
    ]
    assert _lines(history, dockerfile) == {0: 1, 1: 1, 2: 1, 3: 2, 4: 4, 5: 5}


def test_values_the_file_fixes_must_agree() -> None:
    dockerfile = "FROM alpine\nARG UID=1000\nUSER $UID\nEXPOSE 22\n"
    assert _lines(["ARG UID=1000", "USER 1000", "EXPOSE map[22/tcp:{}]"], dockerfile) == {0: 2, 1: 3, 2: 4}
    assert _lines(["ARG UID=1000", "USER 1000", "EXPOSE map[8022/tcp:{}]"], dockerfile) == {}
    assert _lines(["ARG UID=1000", "USER 0", "EXPOSE map[22/tcp:{}]"], dockerfile) == {2: 4}


def test_relative_destinations_and_unknown_shells() -> None:
    dockerfile = 'FROM alpine\nWORKDIR /srv\nSHELL ["/usr/bin/env", "bash", "-c"]\nCOPY app.py .\nRUN make\n'
    history = [
        "/bin/sh -c #(nop) WORKDIR /srv",
        "/bin/sh -c #(nop)  SHELL [/usr/bin/env bash -c]",
        "/bin/sh -c #(nop) COPY file:0a1b2c3d in /srv/ ",
        "RUN /usr/bin/env bash -c make # buildkit",
    ]
    assert _lines(history, dockerfile) == {0: 2, 1: 3, 2: 4, 3: 5}


def test_heredoc_run_matches_by_its_body() -> None:
    dockerfile = "FROM alpine\nRUN <<EOF\nset -e\napk add --no-cache git\nEOF\n"
    history = ["RUN /bin/sh -c set -e\napk add --no-cache git\n # buildkit"]
    assert _lines(history, dockerfile) == {0: 2}


def test_engine_places_image_findings_on_the_dockerfile() -> None:
    rules = [rule for rule in image_rules() if rule.meta.code in ("DG4001", "DG4008")]
    dockerfile = parse("FROM debian:12-slim\nRUN useradd app\nUSER 0\n")
    history = ["/bin/sh -c #(nop) ADD file:5d6b in / ", "RUN /bin/sh -c useradd app # buildkit", "USER 0"]
    with _image(history, config={"User": "0"}) as image:
        findings, _ = ImageEngine(rules).lint(ImageJob(image, Config(), "Dockerfile", dockerfile))
    placed = [(finding.code, finding.file, finding.instruction_line) for finding in findings]
    # DG4001 names the history entry of USER 0; DG4008 is about the config as a whole, which the final FROM starts.
    assert placed == [("DG4008", "Dockerfile", 1), ("DG4001", "Dockerfile", 3)]
