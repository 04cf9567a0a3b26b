"""DG4007 as a rule family: member codes at their own default levels, configured one by one."""

from __future__ import annotations

from image_builders import image_from_spec

from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import dockerfile_rules, image_rules
from dockgate.rule_api.config import Config
from dockgate.rules.image.dg4007_history_shell_rules import HISTORY_RULE_CODES

HISTORY = [
    {"created_by": "/bin/sh -c apt-get update && apt-get install -y curl"},
    {"created_by": "/bin/sh -c curl -fsSL https://get.example.com/install.sh | sh"},
]


def _findings(config: Config) -> list[tuple[str, str, tuple[str, ...]]]:
    engine = ImageEngine([rule for rule in image_rules() if rule.meta.code == "DG4007"], dockerfile_rules())
    with image_from_spec({"config": {"history": HISTORY}, "layers": [[], []]}) as image:
        findings, _ = engine.lint(ImageJob(image, config))
    return [(finding.code, finding.level.value, finding.aliases) for finding in findings]


def test_members_report_at_their_default_levels() -> None:
    assert _findings(Config()) == [("DG2001", "warning", ("DG4007",)), ("DL3009", "info", ("DG4007",))]


def test_members_are_configured_by_their_own_codes() -> None:
    config = Config().merged_with(ignore=["DG2001"], levels={"DL3009": "error"})
    assert _findings(config) == [("DL3009", "error", ("DG4007",))]


def test_every_listed_code_is_a_dockerfile_rule() -> None:
    dockerfile_codes = {rule.meta.code for rule in dockerfile_rules()}
    assert set(HISTORY_RULE_CODES) <= dockerfile_codes
