"""GitLab Code Quality report: one JSON array of Code Climate issues.

GitLab reads it as a `codequality` artifact (`artifacts: reports:
codequality:`) and shows new and fixed issues in merge requests. It compares
branches by `fingerprint`, which is why each is unique within the run and
does not change when lines move; `location.path` is relative to the
repository root. Fields and severity mapping: `dockgate/reporters/codeclimate.py`.
"""

from __future__ import annotations

import json

from dockgate.reporters.codeclimate import issues
from dockgate.reporters.report import Report
from dockgate.rule_api.findings import Finding


def render(findings: list[Finding], report: Report) -> str:
    return json.dumps(issues(findings, report), indent=2)
