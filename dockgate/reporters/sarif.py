"""SARIF 2.1.0 output, shaped for GitHub code scanning.

The log is built from `sarif_om` objects and turned into JSON by
`to_json_value`, a walk over their attrs fields (sarif_om ships no
serialiser). What each field holds, and why, is in docs/output-formats.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attr
import sarif_om as sarif

from dockgate.dockerfile.model import Span
from dockgate.reporters.report import (
    Report,
    help_uri,
    message_with_image,
    unique_fingerprints,
)
from dockgate.rule_api.findings import Finding, Fix, ImageLocation, Level

if TYPE_CHECKING:
    from dockgate.rule_api.rule import RuleMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/dockgate/dockgate"
TOOL_NAME = "dockgate"
"""GitHub keys alerts on the driver name: never change it."""
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "dockgate/v1"
"""GitHub ignores this key; dockgate's baseline reads it."""
MAX_TAGS = 20
"""GitHub rejects rules with more tags."""
MAX_RESULTS = 25_000
"""GitHub rejects a run with more results; the most severe are kept."""
MAX_DESCRIPTION = 1024
"""GitHub's limit on `shortDescription` and `fullDescription`."""
DEFAULT_CATEGORY = "dockgate/dockerfiles/"
"""`automationDetails.id` of `dockgate check` runs; `dockgate image` writes `dockgate/images/`."""
IMAGE_SOURCE_PREFIXES = ("docker-archive:", "oci-archive:", "oci:", "inspect:", "registry:")
"""How `dockgate image` names a source's kind; never part of a URI (it would read as a scheme)."""

_SARIF_LEVELS = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "note",
    Level.STYLE: "note",
    Level.OFF: "none",
}
"""The same mapping as hadolint's SARIF: info and style become `note`."""
_PROBLEM_SEVERITIES = {
    "error": "error",
    "warning": "warning",
    "note": "recommendation",
    "none": "recommendation",
}
"""SARIF level -> GitHub's `problem.severity` for rules that are not security rules."""
_ALWAYS_WRITTEN = frozenset({"level"})
"""Written even when equal to sarif_om's default ("warning"), so readers need not know it."""


def render(findings: list[Finding], report: Report) -> str:
    if report.suppressed_findings:
        findings = sorted([*findings, *report.suppressed_findings], key=Finding.sort_key)
    fingerprints = unique_fingerprints(findings, report)
    kept = _most_severe(list(zip(findings, fingerprints)))
    descriptors = _rule_descriptors(report.rules, [finding for finding, _ in kept], every_rule=report.sarif_rules == "all")
    rule_indexes = {descriptor.id: index for index, descriptor in enumerate(descriptors)}
    driver = sarif.ToolComponent(
        name=TOOL_NAME,
        full_name=f"{TOOL_NAME} {report.tool_version}, Dockerfile linter and security analyzer",
        version=report.tool_version,
        semantic_version=report.tool_version,
        information_uri=INFORMATION_URI,
        rules=descriptors,
    )
    run = sarif.Run(
        tool=sarif.Tool(driver=driver),
        invocations=[_invocation(report, dropped=len(findings) - len(kept))],
        results=[_result(finding, key, rule_indexes[finding.code], report) for finding, key in kept],
        original_uri_base_ids={SOURCE_ROOT: sarif.ArtifactLocation(uri=_directory_uri(report.root))},
        automation_details=_automation_details(report.sarif_category or DEFAULT_CATEGORY),
        # Span columns count code points; SARIF readers otherwise may assume UTF-16.
        column_kind="unicodeCodePoints",
    )
    log = to_json_value(sarif.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run]))
    # sarif_om lists `runs` first; put the identifying keys on top, where people and format sniffers look.
    header = {"$schema": log.pop("$schema"), "version": log.pop("version")}
    return json.dumps({**header, **log}, indent=2)


def _most_severe(findings: list[tuple[Finding, str]]) -> list[tuple[Finding, str]]:
    """At most MAX_RESULTS findings: the most severe, in their original order."""
    if len(findings) <= MAX_RESULTS:
        return findings
    by_severity = sorted(range(len(findings)), key=lambda index: -findings[index][0].level.rank)
    return [findings[index] for index in sorted(by_severity[:MAX_RESULTS])]


def _invocation(report: Report, *, dropped: int) -> sarif.Invocation:
    """How the run went: failed when an input could not be checked, with what went wrong and what was left out."""
    notifications = [_notification(problem, "error") for problem in report.problems]
    notifications += [_notification(notice, "warning") for notice in report.notices]
    if dropped:
        notifications.append(
            _notification(f"{dropped} less severe results were left out: GitHub accepts at most {MAX_RESULTS} per run", "warning")
        )
    return sarif.Invocation(
        execution_successful=not report.problems,
        tool_execution_notifications=notifications or None,
        working_directory=sarif.ArtifactLocation(uri=_directory_uri(report.working_directory)),
    )


def _notification(text: str, level: str) -> sarif.Notification:
    return sarif.Notification(message=sarif.Message(text=text), level=level)


def to_json_value(value: Any) -> Any:
    """`value` as JSON-ready data: attrs objects become dicts keyed by SARIF property names.

    Fields that are None or equal to their attrs default are left out, since
    sarif_om's defaults (`rank: -1`, `byteOffset: -1`, ...) are placeholders
    that would make the log invalid. Dict keys are kept as they are: they are
    data (property bags, fingerprints), not field names.
    """
    if attr.has(type(value)):
        written: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            field_value = getattr(value, field.name)
            name = field.metadata.get("schema_property_name", field.name)
            if field_value is None:
                continue
            if name not in _ALWAYS_WRITTEN and field_value == _default_of(field):
                continue
            written[name] = to_json_value(field_value)
        return written
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    return value


def _default_of(field: attr.Attribute[Any]) -> Any:
    default = field.default
    # attrs keeps `default=attr.Factory(list)` as an object whose `factory` makes the value.
    factory = getattr(default, "factory", None)
    return factory() if callable(factory) else default


def _rule_descriptors(rules: list[RuleMeta], findings: list[Finding], *, every_rule: bool) -> list[sarif.ReportingDescriptor]:
    """The rules the findings name, in the order they first appear; with `every_rule`, every
    enabled rule first. A family member (SC2086) is described from its family's rule (SC), and
    a code no rule has gets a minimal entry."""
    descriptors: dict[str, sarif.ReportingDescriptor] = {}
    if every_rule:
        for rule in rules:
            descriptors.setdefault(rule.code, _descriptor(rule))
    by_code = {rule.code: rule for rule in rules}
    for finding in findings:
        if finding.code in descriptors:
            continue
        named, family = by_code.get(finding.code), by_code.get(finding.code[:2])
        if named is not None:
            descriptors[finding.code] = _descriptor(named)
        elif family is not None:
            descriptors[finding.code] = _member_descriptor(family, finding)
        else:
            descriptors[finding.code] = _descriptor_from_finding(finding)
    return list(descriptors.values())


def _member_descriptor(family: RuleMeta, finding: Finding) -> sarif.ReportingDescriptor:
    """One code of a rule family (ShellCheck's SC2086): the family's metadata under the member's
    code, described by the check's own message and documented where the member is."""
    described = family._replace(code=finding.code, name=finding.name, level=finding.level)
    descriptor = _descriptor(described)
    descriptor.short_description = sarif.MultiformatMessageString(text=_clipped(finding.message))
    descriptor.full_description = sarif.MultiformatMessageString(
        text=_clipped(f"{finding.message} ({family.summary}: {finding.code}.)")
    )
    member_uri = help_uri(finding.code, None)
    if member_uri is not None:
        descriptor.help_uri = member_uri
        descriptor.help = sarif.MultiformatMessageString(
            text=f"{finding.message}\n\nSee {member_uri}\n\n{family.plain_documentation()}",
            markdown=f"{finding.message}\n\nSee [{finding.code}]({member_uri}).\n\n{family.documentation}",
        )
    return descriptor


def _clipped(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1].rstrip() + "…"


def _descriptor(rule: RuleMeta) -> sarif.ReportingDescriptor:
    level = _SARIF_LEVELS[rule.level]
    properties: dict[str, Any] = {}
    tags = [_sarif_tag(tag) for tag in rule.all_tags]
    if tags:
        properties["tags"] = tags[:MAX_TAGS]
    properties["precision"] = rule.precision
    if rule.security_severity is not None:
        # GitHub wants a string; one decimal like a CVSS score.
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    else:
        properties["problem.severity"] = _PROBLEM_SEVERITIES[level]
    return sarif.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=sarif.MultiformatMessageString(text=rule.summary),
        full_description=sarif.MultiformatMessageString(text=_what_it_does(rule)),
        help=sarif.MultiformatMessageString(
            text=rule.plain_documentation(), markdown=rule.documentation
        ),
        help_uri=rule.help_uri,
        default_configuration=sarif.ReportingConfiguration(level=level),
        properties=properties,
    )


def _sarif_tag(tag: str) -> str:
    """A tag as GitHub reads it: CWE ids as `external/cwe/cwe-NNN` (shown as CWE links), others as they are."""
    return f"external/cwe/cwe-{tag[4:]}" if tag.startswith("CWE-") else tag


def _what_it_does(rule: RuleMeta) -> str:
    """The documentation's "What it does" section as one paragraph, within GitHub's limit."""
    section = rule.documentation.split("## What it does", 1)[1].split("\n## ", 1)[0]
    return _clipped(" ".join(section.split()) or rule.summary)


def _descriptor_from_finding(finding: Finding) -> sarif.ReportingDescriptor:
    """A minimal rule for a finding whose rule was not passed in `Report.rules`.

    GitHub drops descriptions that are missing or empty, so say plainly that
    there is none rather than leave the fields out.
    """
    level = _SARIF_LEVELS[finding.level]
    description = f"{finding.code} ({finding.name}); no description was supplied for this rule."
    return sarif.ReportingDescriptor(
        id=finding.code,
        name=finding.name,
        short_description=sarif.MultiformatMessageString(text=description),
        full_description=sarif.MultiformatMessageString(text=description),
        help=sarif.MultiformatMessageString(text=description),
        default_configuration=sarif.ReportingConfiguration(level=level),
        properties={"problem.severity": _PROBLEM_SEVERITIES[level]},
    )


def _result(finding: Finding, fingerprint: str, rule_index: int, report: Report) -> sarif.Result:
    span, image = finding.span, finding.image
    properties = None
    logical_locations = None
    if image is not None:
        # The image location rides along in the message (what people read) and,
        # structured, in the properties and the logical location (what tools read).
        properties = {"image": _image_properties(image)}
        logical_locations = [sarif.LogicalLocation(fully_qualified_name=f"{image.image} {image.describe()}", kind="resource")]
    if span is None:
        # An image finding no Dockerfile line explains: the image file is the artifact, as a
        # whole (GitHub places nothing without a start line, and an archive has no lines to point at).
        physical = sarif.PhysicalLocation(
            artifact_location=sarif.ArtifactLocation(uri=quote(_without_source_prefix(finding.file), safe="/@")),
            region=sarif.Region(start_line=1),
        )
    else:
        physical = sarif.PhysicalLocation(artifact_location=_artifact_location(finding.file, report), region=_region(span))
    fixes = [_fix(finding.fix, physical.artifact_location)] if finding.fix is not None else None
    related_locations = [
        sarif.Location(
            id=index,
            physical_location=sarif.PhysicalLocation(artifact_location=physical.artifact_location, region=_region(related.span)),
            message=sarif.Message(text=related.message),
        )
        for index, related in enumerate(finding.related)
    ] or None
    return sarif.Result(
        rule_id=finding.code,
        rule_index=rule_index,
        level=_SARIF_LEVELS[finding.level],
        message=sarif.Message(text=message_with_image(finding)),
        locations=[sarif.Location(physical_location=physical, logical_locations=logical_locations)],
        partial_fingerprints={FINGERPRINT_KEY: fingerprint},
        fixes=fixes,
        related_locations=related_locations,
        properties=properties,
        suppressions=_suppressions(finding, physical.artifact_location),
    )


def _suppressions(finding: Finding, artifact: sarif.ArtifactLocation) -> list[sarif.Suppression] | None:
    """A suppressed finding's comment, as an in-source suppression located at the comment."""
    suppression = finding.suppression
    if suppression is None:
        return None
    location = None
    if suppression.comment is not None:
        region = _region(suppression.comment)
        location = sarif.Location(physical_location=sarif.PhysicalLocation(artifact_location=artifact, region=region))
    return [sarif.Suppression(kind="inSource", justification=f"suppressed by `{suppression.text}`", location=location)]


def _region(span: Span) -> sarif.Region:
    return sarif.Region(start_line=span.line, start_column=span.column, end_line=span.end_line, end_column=span.end_column)


def _fix(fix: Fix, artifact: sarif.ArtifactLocation) -> sarif.Fix:
    """The finding's fix as one change to its file; its applicability rides in the properties."""
    replacements = [
        sarif.Replacement(
            deleted_region=_region(edit.span),
            inserted_content=sarif.ArtifactContent(text=edit.content),
        )
        for edit in fix.edits
    ]
    return sarif.Fix(
        description=sarif.Message(text=fix.message),
        artifact_changes=[sarif.ArtifactChange(artifact_location=artifact, replacements=replacements)],
        properties={"applicability": fix.applicability.value},
    )


def _without_source_prefix(name: str) -> str:
    """An image source's name without its kind (`docker-archive:app.tar` -> `app.tar`)."""
    for prefix in IMAGE_SOURCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _image_properties(image: ImageLocation) -> dict[str, Any]:
    values = {"name": image.image, "layer": image.layer, "layerDigest": image.layer_digest, "history": image.history, "path": image.path}
    return {key: value for key, value in values.items() if value is not None}


def _artifact_location(file: str, report: Report) -> sarif.ArtifactLocation:
    """A percent-encoded POSIX path relative to the source root, or a file:// URI outside it.

    upload-sarif turns file:// URIs under its checkout_path into repository
    paths itself; anything else points outside the repository and is not shown.
    """
    relative = report.relative_to_root(file)
    if relative is None:
        if file == "-":
            return sarif.ArtifactLocation(uri="-")
        return sarif.ArtifactLocation(uri=(report.working_directory / file).resolve().as_uri())
    return sarif.ArtifactLocation(uri=quote(relative), uri_base_id=SOURCE_ROOT)


def _automation_details(category: str | None) -> sarif.RunAutomationDetails | None:
    if not category:
        return None
    # GitHub takes everything up to the last "/" as the category; codeql-action
    # (src/upload-lib.ts) appends a "/" to its own `category` input the same way.
    return sarif.RunAutomationDetails(id=category if category.endswith("/") else f"{category}/")


def _directory_uri(root: Path) -> str:
    # SARIF requires the URI of a uriBaseId to end with a slash.
    uri = root.resolve().as_uri()
    return uri if uri.endswith("/") else f"{uri}/"
