"""JUnit XML: one test suite per file, one failing test case per finding.

For CI systems that show test reports but no lint reports (GitLab's
`artifacts: reports: junit:`, Jenkins' JUnit plugin, Azure Pipelines). The
shape is the Ant JUnit report most readers accept: `<testsuites>` with
totals, `<testsuite name=FILE>` per file with findings, `<testcase
classname=FILE name="CODE at LINE:COLUMN">` holding a `<failure>` whose
`type` is the level and `message` the finding's message. A last suite,
`dockgate`, has one test case: it passes when every input was checked, and
holds an `<error>` listing the inputs that could not be (so an exit-2 run never
reads as all green).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from itertools import groupby

from dockgate.reporters.report import Report, message_with_image, xml_document
from dockgate.rule_api.findings import Finding

RUN_SUITE = "dockgate"


def render(findings: list[Finding], report: Report) -> str:
    root = ElementTree.Element("testsuites", name="dockgate")
    for path, in_file in groupby(findings, key=lambda finding: report.path_of(finding.file)):
        cases = list(in_file)
        suite = _suite(root, path, tests=len(cases), failures=len(cases), errors=0)
        for finding in cases:
            case = ElementTree.SubElement(suite, "testcase", classname=path, name=_case_name(finding))
            failure = ElementTree.SubElement(case, "failure", message=message_with_image(finding), type=finding.level.value)
            failure.text = f"{finding.code} ({finding.name}): {message_with_image(finding)}"
    errors = 1 if report.problems else 0
    run_suite = _suite(root, RUN_SUITE, tests=1, failures=0, errors=errors)
    run_case = ElementTree.SubElement(run_suite, "testcase", classname=RUN_SUITE, name=f"every input checked ({report.files_checked} checked)")
    if report.problems:
        error = ElementTree.SubElement(run_case, "error", message=report.problems[0], type="input")
        error.text = "\n".join(report.problems)
    root.set("tests", str(len(findings) + 1))
    root.set("failures", str(len(findings)))
    root.set("errors", str(errors))
    return xml_document(root)


def _suite(root: ElementTree.Element, name: str, *, tests: int, failures: int, errors: int) -> ElementTree.Element:
    counts = {"name": name, "tests": str(tests), "failures": str(failures), "errors": str(errors), "skipped": "0"}
    return ElementTree.SubElement(root, "testsuite", counts)


def _case_name(finding: Finding) -> str:
    if finding.span is None:
        where = finding.image.describe() if finding.image is not None else "file"
        return f"{finding.code} in {where}"
    return f"{finding.code} at {finding.span.line}:{finding.span.column}"
