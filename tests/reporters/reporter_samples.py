"""Hand-built rules and findings shared by the reporter tests, and SARIF checks.

Not a test module: the reporter test files import it by name (pytest puts
this folder on sys.path because tests/ has no __init__.py files).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema

from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Finding, Level
from dockgate.rule_api.rule import RuleMeta

SCHEMA_PATH = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def rule_doc(what: str) -> str:
    return (
        f"## What it does\n{what}\n\n"
        "## Why is this bad?\nIt makes builds **unreproducible**.\n\n"
        "## Example\n```dockerfile\nRUN apt-get install curl\n```\n\n"
        "## Use instead\n```dockerfile\nRUN apt-get install curl=8.5.0-2\n```\n"
    )


PIN_RULE = RuleMeta(
    code="DL3008",
    name="apt-get-unpinned",
    summary="Pin versions in apt-get install.",
    level=Level.WARNING,
    tags=("hadolint", "supply-chain"),
    aliases=("hadolint:DL3008",),
    documentation=rule_doc("Checks that apt-get install pins package versions."),
)
SECRET_RULE = RuleMeta(
    code="DG2001",
    name="secret-in-env",
    summary="Do not put secrets in ENV or ARG.",
    level=Level.ERROR,
    security_severity=8.0,
    tags=("secrets", "CWE-798"),
    documentation=rule_doc("Finds credentials assigned in ENV and ARG."),
)
CASING_RULE = RuleMeta(
    code="DG0101",
    name="instruction-casing",
    summary="Write instructions in upper case.",
    level=Level.STYLE,
    documentation=rule_doc("Checks the case of instruction keywords."),
)
ALL_RULES = [PIN_RULE, SECRET_RULE, CASING_RULE]


def finding(
    rule: RuleMeta,
    file: str = "Dockerfile",
    line: int = 1,
    column: int = 1,
    *,
    end_line: int | None = None,
    end_column: int | None = None,
    level: Level | None = None,
    message: str | None = None,
    fingerprint: str = "",
) -> Finding:
    """A finding of `rule`; the span ends four columns later on the same line by default."""
    return Finding(
        code=rule.code,
        name=rule.name,
        level=level or rule.level,
        message=message or f"{rule.summary[:-1]} here.",
        file=file,
        span=Span(line, column, end_line or line, end_column or column + 4),
        instruction_line=line,
        aliases=rule.aliases,
        fingerprint=fingerprint,
    )


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Every schema violation as `json/path: message`, empty when the log is valid."""
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(_validator().iter_errors(log), key=lambda error: error.json_path)
    ]


def assert_github_ready(log: dict[str, Any]) -> None:
    """Schema validity plus GitHub's checklist (integrations.md §3.4)."""
    assert schema_errors(log) == []
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dockgate"
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"].strip()
        assert rule["fullDescription"]["text"].strip()
        assert rule["help"]["text"].strip()
        properties = rule.get("properties", {})
        assert len(properties.get("tags", [])) <= 20
        if "security-severity" in properties:
            severity = properties["security-severity"]
            assert isinstance(severity, str)
            assert 0.1 <= float(severity) <= 10.0
    for result in run["results"]:
        assert result["message"]["text"].strip()
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert len(result["locations"]) >= 1
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"] and region["endColumn"] >= 1
        uri = physical["artifactLocation"]["uri"]
        if urlsplit(uri).scheme:
            # Only files outside the root may be absolute, and then as file:// URIs.
            assert uri.startswith("file:///") and "uriBaseId" not in physical["artifactLocation"]
        else:
            path = unquote(uri)
            assert "\\" not in path and not path.startswith(("/", "./"))
            assert physical["artifactLocation"]["uriBaseId"] in run["originalUriBaseIds"]
