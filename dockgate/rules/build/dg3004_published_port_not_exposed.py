"""
## What it does
Finds where the image's ports are published and reports a container port
that one of those places publishes (or exposes to other services) but that
the final stage never EXPOSEs (EXPOSE in stages it is built `FROM` counts).

Compose files are read from the Dockerfile's folder up to the repository
root (the nearest folder holding `.git`): `compose.yaml`, `compose.yml`,
`docker-compose.yaml`, `docker-compose.yml` and their `.override` files. A
service counts when its `build` context and `dockerfile`, resolved from the
compose file's folder, name this Dockerfile (`build: ./api` in a root
`compose.yaml` builds `api/Dockerfile`). Its `ports:` (short syntax such as
`127.0.0.1:8080:80/udp` or `9000-9002:9000-9002`, or long syntax with
`target:`) and `expose:` entries are read after compose's interpolation:
`${PORT:-3000}` takes `PORT` from the environment, then from the `.env`
beside the compose file, then the default.

`docker run` commands count where they run this Dockerfile's image: one a
`docker build -t` of this Dockerfile tags (its `-f`, or the `Dockerfile` of
its context, resolved from the file's folder or the repository root), or
the `image:` of a compose service built from it. Their `-p`/`--publish` and
`--expose` values are read from the build context's shell scripts (and
`scripts/*.sh`), Makefiles, justfiles, `package.json` scripts and README
code blocks, and from the repository root's `.github/workflows/*.yml` and
`.gitlab-ci.yml` (at most 64 files, none over 512 KiB; a command built from
variables is skipped).

Kubernetes manifests count too: a container of a Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob
(multi-document files and `kind: List` included) whose `image:` is one of
the names above declares its `containerPort`s. The image matches by
repository (`docker.io/library/` aside), and a bare local tag
(`docker build -t api`) also matches the same last name under a registry
(`ghcr.io/acme/api:1.4`, as CI pushes it). Manifests are the `.yaml`/`.yml`
files of the Dockerfile's folder and of each folder above it up to the
repository root (only the Dockerfile's folder outside a repository), and
those in their `k8s/`, `kubernetes/`, `kube/`, `manifests/`, `deploy/`,
`deployment/` and `deployments/` folders down to three levels (kustomize's
`base/` and `overlays/<env>/`); at most 64 files, none over 512 KiB. Helm
templates are not YAML until rendered and are skipped.

The finding sits on the final stage's EXPOSE when it has one (the likely
mismatch: a port was renamed on one side only), on its FROM otherwise. A port
the image EXPOSEs that nothing publishes is not reported: EXPOSE also
documents ports that only other containers reach.

## Why is this bad?
EXPOSE only documents which ports the image listens on; `ports:` (or
`docker run -p`) is what publishes them. When the two disagree, the image's
documentation is wrong: `docker run -P`, orchestrators and scanners that read
the image config miss the port, and readers of the Dockerfile cannot tell how
the service is reached. Writing a `host:container` mapping in EXPOSE instead
is a different mistake, reported by DG1021 (ExposeInvalidFormat).

## Example
```dockerfile
# compose.yaml: services: {web: {build: ., ports: ["8080:${PORT:-8000}"]}}
FROM python:3.12-slim
EXPOSE 5000
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

from pathlib import Path
from typing import Iterator

from dockgate.analysis.published_ports import describe_ports, port_sources
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.exposed_ports import exposed_ports, mismatch_position

RULE = RuleMeta(
    code="DG3004",
    name="published-port-not-exposed",
    summary="A port published for the image is not EXPOSEd",
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
    exposed = exposed_ports(context, final)
    if exposed is None:
        return
    span, line = mismatch_position(final)
    for source in port_sources(context.build_context / Path(context.path).name, context.file_search):
        missing = source.ports - exposed
        if missing:
            plural = "s" if len(missing) > 1 else ""
            yield Violation(
                f"{source.description} {source.verb} container port{plural} {describe_ports(missing)}, "
                "which the final stage does not EXPOSE",
                span,
                line,
            )
