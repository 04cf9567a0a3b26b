"""Two rules reporting one problem at one place give one finding (`RuleMeta.same_finding_as`)."""

from __future__ import annotations

from dockgate.api import lint_text
from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine, LintJob
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api.config import Config

DOCKERFILE = """\
FROM alpine:3.20
ARG GITHUB_TOKEN
ENV DB_PASSWORD=x
CMD node app.js
HEALTHCHECK CMD curl -f http://localhost/
"""
PAIRS = ("DL3025", "DG1007", "DL3064", "DG1015")


def found(config: Config, text: str = DOCKERFILE) -> list[tuple[int, int, str, str, tuple[str, ...]]]:
    return [
        (finding.span.line, finding.span.column, finding.code, finding.level.value, finding.aliases)
        for finding in lint_text(text, config=config.merged_with(select=list(PAIRS)))
        if finding.span is not None
    ]


def test_both_rules_give_one_finding_under_the_hadolint_code_with_the_other_as_alias() -> None:
    assert found(Config()) == [
        (2, 5, "DL3064", "warning", ("DG1015", "SecretsUsedInArgOrEnv")),
        (3, 5, "DL3064", "warning", ("DG1015", "SecretsUsedInArgOrEnv")),
        (4, 5, "DL3025", "warning", ("DG1007", "JSONArgsRecommended")),
        # BuildKit's check leaves HEALTHCHECK alone: DL3025 alone, without BuildKit's name.
        (5, 17, "DL3025", "warning", ()),
    ]


def test_ignoring_the_kept_code_leaves_the_other_rules_finding() -> None:
    assert found(Config(ignore=["DL3025", "DL3064"])) == [
        (2, 5, "DG1015", "warning", ("SecretsUsedInArgOrEnv",)),
        (3, 5, "DG1015", "warning", ("SecretsUsedInArgOrEnv",)),
        (4, 5, "DG1007", "warning", ("JSONArgsRecommended",)),
    ]


def test_ignoring_the_folded_code_by_alias_drops_it_from_the_aliases() -> None:
    findings = found(Config(ignore=["JSONArgsRecommended", "DG1015"]))
    assert [(line, code, aliases) for line, _, code, _, aliases in findings] == [
        (2, "DL3064", ()),
        (3, "DL3064", ()),
        (4, "DL3025", ()),
        (5, "DL3025", ()),
    ]


def test_the_higher_level_of_the_two_wins() -> None:
    findings = found(Config(levels={"DG1007": "error"}))
    assert (4, 5, "DL3025", "error", ("DG1007", "JSONArgsRecommended")) in findings
    assert (5, 17, "DL3025", "warning", ()) in findings


def test_a_suppression_comment_naming_either_code_silences_the_problem() -> None:
    for comment in ("# hadolint ignore=DL3025", "# dockgate: ignore=DG1007", "# check=skip=JSONArgsRecommended"):
        text = f"{comment}\nFROM alpine:3.20\nCMD node app.js\n" if "check" in comment else f"FROM alpine:3.20\n{comment}\nCMD node app.js\n"
        assert found(Config(), text) == [], comment


def test_a_suppressed_problem_is_kept_once_when_suppressed_findings_are_asked_for() -> None:
    text = "FROM alpine:3.20\n# dockgate: ignore=DG1007\nCMD node app.js\n"
    engine = DockerfileEngine([rule for rule in dockerfile_rules() if rule.meta.code in PAIRS])
    job = LintJob("Dockerfile", decode(text.encode()), Config(), keep_suppressed=True)
    [findings], _ = engine.lint_batch([job])
    assert [(finding.code, finding.aliases, finding.suppression is not None) for finding in findings] == [
        ("DL3025", ("DG1007", "JSONArgsRecommended"), True)
    ]


def test_every_same_finding_as_names_a_registered_rule_of_another_code() -> None:
    codes = {rule.meta.code for rule in dockerfile_rules()}
    pairs = {rule.meta.code: rule.meta.same_finding_as for rule in dockerfile_rules() if rule.meta.same_finding_as}
    assert pairs == {"DG1007": "DL3025", "DG1015": "DL3064"}
    assert all(kept in codes and kept != folded for folded, kept in pairs.items())
