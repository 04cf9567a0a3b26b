"""A multi-stage Dockerfile written the recommended way gets no finding at warning or error from any rule."""

from __future__ import annotations

from pathlib import Path

from dockgate.rule_api.config import default_config
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api.findings import Level
from dockgate.dockerfile.source import read_source

CLEAN = Path(__file__).resolve().parent.parent / "data" / "clean" / "Dockerfile"


def test_recommended_multi_stage_dockerfile_is_clean() -> None:
    findings = DockerfileEngine(dockerfile_rules()).lint("Dockerfile", read_source(str(CLEAN)), default_config(), path=CLEAN)
    serious = [(f.code, f.span.line, f.message) for f in findings if f.level.rank >= Level.WARNING.rank]
    assert serious == []
