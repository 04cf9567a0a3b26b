"""Which stages the image and the build are made of (analysis/what_ships), and references through build arguments."""

from __future__ import annotations

from collections.abc import Sequence

from dockgate.analysis.semantics import SemanticModel, Stage
from dockgate.analysis.what_ships import WhatShips
from dockgate.dockerfile.parser import parse

MULTI_STAGE = """\
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM debian:12 AS tools
RUN make tools
FROM alpine:3.20 AS cache
FROM debian:12 AS base
RUN apt-get update
FROM base AS final
COPY --from=build /out/app /app
RUN --mount=type=cache,from=cache,target=/c true
"""


def names(stages: Sequence[Stage]) -> list[str | None]:
    return [stage.name for stage in stages]


def what_ships(text: str, target: str | None = None) -> WhatShips:
    return WhatShips(SemanticModel(parse(text)), target)


def test_image_is_the_final_stage_and_its_from_chain() -> None:
    ships = what_ships(MULTI_STAGE)
    assert names(ships.image_stages()) == ["base", "final"]


def test_build_adds_the_stages_copied_from_and_mounted_but_not_unused_ones() -> None:
    ships = what_ships(MULTI_STAGE)
    assert names(ships.build_stages()) == ["build", "cache", "base", "final"]
    assert names(ships.judged_stages("every-stage")) == ["build", "tools", "cache", "base", "final"]


def test_a_target_names_the_image_case_insensitively() -> None:
    ships = what_ships(MULTI_STAGE, target="Tools")
    assert names(ships.image_stages()) == ["tools"]
    assert names(ships.build_stages()) == ["tools"]


def test_an_unknown_target_falls_back_to_the_final_stage() -> None:
    assert names(what_ships(MULTI_STAGE, target="nope").image_stages()) == ["base", "final"]


def test_lines_are_judged_by_their_stage_and_triggers_and_global_args_always() -> None:
    text = "ARG V=1\nFROM alpine:3 AS unused\nONBUILD RUN apk add x\nRUN apk add y\nFROM alpine:3\nRUN true\n"
    ships = what_ships(text)
    assert [ships.judges_line("image", line) for line in range(1, 7)] == [True, False, True, False, True, True]
    assert all(ships.judges_line("every-stage", line) for line in range(1, 7))


def test_from_through_a_platform_argument_names_every_fitting_stage() -> None:
    model = SemanticModel(parse("FROM alpine:3 AS base-amd64\nFROM alpine:3 AS base-arm64\nFROM other AS x\nFROM base-$TARGETARCH\n"))
    final = model.stages[-1]
    assert final.base_stage is None
    assert names(final.base_candidates) == ["base-amd64", "base-arm64"]
    assert final.builds_on_stage
    assert model.consumed_stages() == {0, 1}
    assert names(WhatShips(model).image_stages()) == ["base-amd64", "base-arm64", None]


def test_from_through_an_arg_default_names_the_default_and_the_alternatives() -> None:
    model = SemanticModel(parse("ARG FLAVOUR=slim\nFROM alpine:3 AS run-slim\nFROM alpine:3 AS run-full\nFROM run-${FLAVOUR}\n"))
    final = model.stages[-1]
    assert final.base_stage is model.stages[0]
    assert names(final.base_candidates) == ["run-slim", "run-full"]


def test_a_whole_name_from_a_build_argument_is_no_stage_reference() -> None:
    model = SemanticModel(parse("ARG BASE=python:3.12\nFROM golang:1.22 AS build\nFROM ${BASE}\n"))
    assert model.stages[-1].base_candidates == ()
    assert model.consumed_stages() == set()


def test_copy_from_through_an_unknown_argument_names_every_fitting_stage() -> None:
    text = "FROM alpine:3 AS dist-amd64\nFROM alpine:3 AS dist-arm64\nFROM scratch\nARG TARGETARCH\nCOPY --from=DIST-${TARGETARCH} /a /a\n"
    model = SemanticModel(parse(text))
    assert names(model.stages_used_by(model.stages[-1])) == ["dist-amd64", "dist-arm64"]
    assert names(WhatShips(model).build_stages()) == ["dist-amd64", "dist-arm64", None]
