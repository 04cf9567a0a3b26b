"""
## What it does
Reads the compose file beside the Dockerfile (`compose.yaml`, `compose.yml`,
`docker-compose.yaml` or `docker-compose.yml` in the build context) and, for
each service built from this Dockerfile, reports a container port that the
service publishes under `ports:` but that the final stage never EXPOSEs
(EXPOSE in stages it is built `FROM` counts). The finding sits on the final
stage's FROM.

## Why is this bad?
EXPOSE only documents which ports the image listens on; `ports:` (or
`docker run -p`) is what publishes them. When the two disagree, the image's
documentation is wrong: `docker run -P`, orchestrators and scanners that read
the image config miss the port, and readers of the Dockerfile cannot tell how
the service is reached. Writing a `host:container` mapping in EXPOSE instead
is a different mistake, reported by DG1021 (ExposeInvalidFormat).

## Example
```dockerfile
# compose.yaml: services: {web: {build: ., ports: ["8080:8000"]}}
FROM python:3.12-slim
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
```
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

from dockgate.analysis.build_context import COMPOSE_FILE_NAMES
from dockgate.analysis.semantics import Stage
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG3004",
    name="published-port-not-exposed",
    summary="A compose service publishes a port the image does not EXPOSE",
    level=Level.INFO,
    precision="medium",
    tags=("build-context",),
    documentation=__doc__,
)

def check(context: LintContext) -> Iterator[Violation]:
    if context.build_context is None:
        return
    final = context.semantics.final_stage
    if final is None:
        return
    dockerfile = os.path.realpath(context.build_context / Path(context.path).name)
    exposed = _exposed_ports(context, final)
    if exposed is None:
        return
    for compose_path, service, ports in _services_building(context.build_context, dockerfile):
        for port, protocol in sorted(ports):
            if (port, protocol) not in exposed:
                yield Violation(
                    f"service '{service}' in {compose_path.name} publishes container port {port}/{protocol}, "
                    "which the final stage does not EXPOSE (EXPOSE documents the port; `ports:` publishes it)",
                    final.from_instruction.keyword_span,
                    final.from_instruction.line,
                )


def _exposed_ports(context: LintContext, final: Stage) -> set[tuple[int, str]] | None:
    """Ports the final stage EXPOSEs, through its FROM chain; None when a value is unknown."""
    exposed: set[tuple[int, str]] = set()
    stage: Stage | None = final
    while stage is not None:
        for instruction in stage.instructions:
            if instruction.keyword != "EXPOSE":
                continue
            for word in instruction.args:
                value = context.semantics.expand_in(instruction, word.value).value
                if value is None:
                    return None
                for entry in value.split():
                    parsed = _port_range(entry.rsplit(":", 1)[-1])
                    if parsed is not None:
                        exposed.update(parsed)
        stage = stage.base_stage
    return exposed


def _port_range(text: str) -> set[tuple[int, str]] | None:
    """`8000`, `8000/udp` or `8000-8005/tcp` as (port, protocol) pairs; None when it is not a port."""
    port_text, _, protocol = text.partition("/")
    first, _, last = port_text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    low, high = int(first), int(last or first)
    if high - low > 1000:
        return None
    return {(port, (protocol or "tcp").lower()) for port in range(low, high + 1)}


def _services_building(directory: Path, dockerfile: str) -> Iterator[tuple[Path, str, set[tuple[int, str]]]]:
    for name in COMPOSE_FILE_NAMES:
        compose_path = directory / name
        document = _read_yaml(compose_path)
        if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
            continue
        for service, definition in document["services"].items():
            if isinstance(definition, dict) and _builds(definition.get("build"), compose_path.parent, dockerfile):
                yield compose_path, str(service), _published_container_ports(definition.get("ports"))


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        return None
    import yaml  # only when a compose file is there

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # a broken compose file is compose's to report, not ours


def _builds(build: Any, compose_directory: Path, dockerfile: str) -> bool:
    """Whether a service's `build:` (a context path, or a mapping) builds `dockerfile`."""
    if isinstance(build, str):
        build_context, dockerfile_name = build, "Dockerfile"
    elif isinstance(build, dict) and isinstance(build.get("context", "."), str):
        build_context = build.get("context", ".")
        dockerfile_name = build.get("dockerfile", "Dockerfile")
        if not isinstance(dockerfile_name, str):
            return False
    else:
        return False
    candidate = compose_directory / build_context / dockerfile_name
    return os.path.realpath(candidate) == dockerfile


def _published_container_ports(ports: Any) -> set[tuple[int, str]]:
    published: set[tuple[int, str]] = set()
    if not isinstance(ports, list):
        return published
    for entry in ports:
        if isinstance(entry, dict):
            target, protocol = entry.get("target"), str(entry.get("protocol", "tcp"))
            parsed = _port_range(f"{target}/{protocol}") if target is not None else None
        else:
            # `[ip:][host:]container[/protocol]`; `[::1]:8080:80` puts colons in the address.
            parsed = _port_range(str(entry).rsplit(":", 1)[-1])
        if parsed is not None:
            published.update(parsed)
    return published
