"""A short run of every fuzz target, the seeds, and every regression input a campaign found.

The long campaign is `python -m tests.fuzz.campaign --minutes N`; this keeps the targets
working and the fixed crashes fixed in the normal test run.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .generate import dockerfile, seed_dockerfiles
from .targets import TARGETS, engine, parser

REGRESSIONS = Path(__file__).parent / "regressions"
"""One directory per target, one file per input that once broke it."""

SHORT = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _regression_inputs() -> list[tuple[str, Path]]:
    return [(target.name, path) for target in sorted(REGRESSIONS.iterdir()) if target.is_dir() for path in sorted(target.iterdir())]


@pytest.mark.parametrize(("target", "path"), _regression_inputs(), ids=lambda value: value if isinstance(value, str) else value.name)
def test_regression_input(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())


def test_every_regression_directory_names_a_target() -> None:
    assert {path.name for path in REGRESSIONS.iterdir() if path.is_dir()} <= set(TARGETS)


def test_seeds_through_parser_and_engine() -> None:
    seeds = seed_dockerfiles()
    assert len(seeds) > 100
    for seed in seeds:
        data = seed.encode("utf-8")
        parser(data)
        engine(data)


@SHORT
@given(st.randoms(use_true_random=False))
def test_generated_dockerfiles(rng: random.Random) -> None:
    data = dockerfile(rng).encode("utf-8")
    parser(data)
    engine(data)


@pytest.mark.parametrize("target", sorted(TARGETS))
@SHORT
@given(data=st.binary(max_size=512))
def test_arbitrary_bytes(target: str, data: bytes) -> None:
    TARGETS[target](data)


@pytest.mark.parametrize("target", ["shell", "expansion", "parser"])
@SHORT
@given(rng=st.randoms(use_true_random=False))
def test_generated_text_for_text_targets(target: str, rng: random.Random) -> None:
    TARGETS[target](dockerfile(rng).encode("utf-8"))


def test_a_broken_invariant_is_caught() -> None:
    # A target that could never fail would prove nothing: a span past its line must be caught.
    from dockgate.dockerfile.model import Span

    from .targets import check_span

    with pytest.raises(AssertionError, match="column 5 on line 1 of length 3"):
        check_span(Span(1, 1, 1, 5), ["abc"], "probe")
