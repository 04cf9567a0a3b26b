"""ImageEngine.lint: layers are read only for layer rules, and sources without layers say so once."""

from __future__ import annotations

import dataclasses

import pytest
from image_builders import image_from_spec

from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import dockerfile_rules, image_rules
from dockgate.rule_api.config import Config

SPEC = {
    "config": {"config": {"User": "root"}},
    "layers": [[{"path": "etc/passwd", "content": "root:x:0:0::/root:/bin/sh\n"}]],
}


def _unopenable() -> None:
    raise AssertionError("a layer was opened although no layer rule runs")


def test_config_and_history_rules_never_open_a_layer() -> None:
    image = image_from_spec(SPEC)
    assert image.layers is not None
    image.layers = [dataclasses.replace(layer, open=_unopenable) for layer in image.layers]
    findings, notices = ImageEngine(image_rules(), dockerfile_rules()).lint(ImageJob(image, Config().merged_with(select=["DG4"])))
    assert [finding.code for finding in findings] == ["DG4001", "DG4002", "DG4008"]
    assert notices == []


@pytest.mark.parametrize("select", [["DG5"], []])
def test_a_source_without_layers_skips_the_layer_rules_with_one_notice(select: list[str]) -> None:
    image = image_from_spec({**SPEC, "source": "inspect"})
    findings, notices = ImageEngine(image_rules(), dockerfile_rules()).lint(ImageJob(image, Config().merged_with(select=select)))
    assert notices == ["test-image: inspect has no layer contents; the layer rules were skipped"]
    assert all(not finding.code.startswith("DG5") for finding in findings)
