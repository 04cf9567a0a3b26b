"""A finding an image rule yields with a lower level keeps it only at the rule's default level."""

from __future__ import annotations

from image_builders import image_from_spec

from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import image_rules
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Level

SETUID_IMAGE = {"layers": [[{"path": "usr/bin/passwd", "mode": "4755"}, {"path": "opt/tool", "mode": "4755"}]]}


def levels(config: Config) -> dict[str, Level]:
    engine = ImageEngine([rule for rule in image_rules() if rule.meta.code == "DG5002"])
    with image_from_spec(SETUID_IMAGE) as image:
        findings, _ = engine.lint(ImageJob(image, config))
    return {finding.image.path: finding.level for finding in findings if finding.image is not None}


def test_distribution_standard_setuid_is_info_at_the_default_level() -> None:
    assert levels(Config().merged_with(select=["DG5002"])) == {"usr/bin/passwd": Level.INFO, "opt/tool": Level.WARNING}


def test_a_configured_level_applies_to_every_finding() -> None:
    config = Config().merged_with(select=["DG5002"], levels={"DG5002": "error"})
    assert levels(config) == {"usr/bin/passwd": Level.ERROR, "opt/tool": Level.ERROR}
