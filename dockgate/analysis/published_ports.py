"""Where a Dockerfile's image gets its ports published, read from the files people keep beside it.

Compose files are searched from the Dockerfile's folder up to the repository
root (the nearest folder holding `.git`, else the filesystem root); a service
counts when its resolved `build` context and `dockerfile` name this
Dockerfile. Its values are interpolated as compose does (`${PORT:-3000}`),
from the environment first and then the `.env` beside the compose file.
`docker run -p/--publish/--expose` counts where it runs the image: one a
`docker build -t` of this Dockerfile tags, or a compose service's `image:`
(`analysis.docker_cli_commands` says which files are read). Kubernetes
manifests count the same way: a container whose `image:` is one of those
names declares its `containerPort`s (`manifest_files` says which files).

`port_input_files` lists every file this module may read for a Dockerfile, so
that a result cache can key on exactly them (`analysis.build_context`).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from dockgate.analysis.docker_cli_commands import (
    DockerCommand,
    command_files,
    docker_commands,
)
from dockgate.analysis.file_search import FileSearch
from dockgate.lazy_pattern import LazyPattern

Port = tuple[int, str]
"""A container port and its protocol (`tcp`, `udp`, `sctp`)."""

COMPOSE_FILE_NAMES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
"""The names `docker compose` looks for, with the override files it merges in."""

MANIFEST_FOLDER_NAMES = frozenset({"k8s", "kubernetes", "kube", "manifests", "deploy", "deployment", "deployments"})
"""Folders where Kubernetes manifests are kept, searched three levels deep (kustomize's `base/`, `overlays/prod/`)."""
MAX_MANIFEST_FILES = 64
"""At most this many YAML files are read per Dockerfile as Kubernetes manifests, nearest folder first."""
MANIFEST_FOLDER_DEPTH = 3
# Where each workload kind keeps its pod spec.
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}

ENV_FILE_NAME = ".env"
MAX_INPUT_BYTES = 512 * 1024
"""A larger file is not read: port declarations live in small files, and a lint must not stall."""
MAX_RANGE = 1024
"""A wider port range is left alone (it says nothing useful about one port)."""


class PortSource(NamedTuple):  # a named tuple: a cached run imports this module at every start
    """Ports one place says the image's containers listen on."""

    description: str
    """Where, for a message: `service 'web' in ../compose.yaml`."""
    verb: str
    """What that place does with them: `publishes` or `exposes`."""
    ports: frozenset[Port]


def port_range(text: str) -> frozenset[Port] | None:
    """`8000`, `8000/udp` or `8000-8005/tcp` as ports; None when it is not one (or is too wide)."""
    port_text, _, protocol = text.strip().partition("/")
    first, _, last = port_text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    low, high = int(first), int(last or first)
    if high < low or high - low > MAX_RANGE:
        return None
    return frozenset((port, (protocol or "tcp").lower()) for port in range(low, high + 1))


def describe_ports(ports: Iterable[Port]) -> str:
    """`53/udp, 8000-8002/tcp`: consecutive ports of a protocol as ranges."""
    parts: list[str] = []
    for protocol in sorted({protocol for _, protocol in ports}):
        numbers = sorted(port for port, each in ports if each == protocol)
        start = previous = numbers[0]
        for number in [*numbers[1:], None]:
            if number is not None and number == previous + 1:
                previous = number
                continue
            parts.append(f"{start}/{protocol}" if start == previous else f"{start}-{previous}/{protocol}")
            if number is not None:
                start = previous = number
    return ", ".join(parts)


def repository_root(dockerfile: Path, search: FileSearch | None = None) -> Path | None:
    """The nearest folder up from `dockerfile` holding `.git`."""
    search = search or FileSearch()
    last = search_directories(dockerfile, search)[-1]
    # The search stops at the first folder with `.git`, or at the filesystem root.
    return last if search.exists(search.child(last, ".git")) else None


def search_directories(dockerfile: Path, search: FileSearch | None = None) -> list[Path]:
    """The Dockerfile's folder and each above it, up to the repository root or the filesystem root."""
    search = search or FileSearch()
    folder = dockerfile.parent
    known = search.search_directories.get(folder)
    if known is None:
        if search.exists(search.child(folder, ".git")) or folder.parent == folder:
            known = [folder]
        else:
            # The folder above searches the same way: Dockerfiles in sibling folders share it.
            known = [folder, *search_directories(folder, search)]
        search.search_directories[folder] = known
    return known


def compose_files(dockerfile: Path, search: FileSearch | None = None) -> list[Path]:
    """The compose files that may build `dockerfile`, nearest folder first."""
    search = search or FileSearch()
    return [path for path in _compose_candidates(dockerfile, search) if search.is_file(path)]


def _compose_candidates(dockerfile: Path, search: FileSearch) -> list[Path]:
    return [path for directory in search_directories(dockerfile, search) for path in _compose_names_in(directory, search)]


def _has_compose_file(directory: Path, search: FileSearch) -> bool:
    known = search.has_compose_file.get(directory)
    if known is None:
        names = search.names(directory)
        # A name the folder's listing lacks is no file; without a listing, each is asked for.
        known = any(
            (names is None or path.name in names) and search.is_file(path) for path in _compose_names_in(directory, search)
        )
        search.has_compose_file[directory] = known
    return known


def _compose_names_in(directory: Path, search: FileSearch) -> list[Path]:
    known = search.compose_candidates.get(directory)
    if known is None:
        known = search.compose_candidates[directory] = [directory / name for name in COMPOSE_FILE_NAMES]
    return known


def manifest_files(dockerfile: Path, search: FileSearch | None = None) -> list[Path]:
    """The YAML files that may hold Kubernetes manifests for `dockerfile`'s image, nearest folder first.

    In the Dockerfile's folder and each above it up to the repository root
    (only the Dockerfile's own folder outside a repository): the `.yaml` and
    `.yml` files of the folder, and those of its `k8s/`, `kubernetes/`,
    `kube/`, `manifests/`, `deploy/`, `deployment(s)/` folders down to three
    levels. Compose files are not manifests.
    """
    search = search or FileSearch()
    directories = search_directories(dockerfile, search) if repository_root(dockerfile, search) is not None else [dockerfile.parent]
    found: list[Path] = []
    for directory in directories:
        found.extend(_yaml_files(directory, 0, search))
        if len(found) >= MAX_MANIFEST_FILES:
            break
    return found[:MAX_MANIFEST_FILES]


def _yaml_files(directory: Path, depth: int, search: FileSearch) -> list[Path]:
    """The YAML files of `directory` (not compose files), then those of its manifest folders, by name."""
    known = search.yaml_files.get((directory, depth))
    if known is not None:
        return known
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        entries = []
    files: list[Path] = []
    folders: list[Path] = []
    for entry in entries:
        try:
            if entry.name.endswith((".yaml", ".yml")) and entry.name not in COMPOSE_FILE_NAMES and entry.is_file():
                files.append(Path(entry.path))
            elif (depth > 0 or entry.name in MANIFEST_FOLDER_NAMES) and depth < MANIFEST_FOLDER_DEPTH and entry.is_dir():
                folders.append(Path(entry.path))
        except OSError:
            continue
    for folder in folders:
        files.extend(_yaml_files(folder, depth + 1, search))
    search.yaml_files[(directory, depth)] = files
    return files


def port_input_files(dockerfile: Path, search: FileSearch | None = None) -> list[Path]:
    """Every file `port_sources` may read for `dockerfile`, present or not (a new one changes the answer).

    `search` answers what it was asked before from memory (a run keying many Dockerfiles keeps one)."""
    return [path for _, paths in port_input_parts(dockerfile, search) for path in paths]


def port_input_parts(dockerfile: Path, search: FileSearch | None = None) -> list[tuple[Path | None, list[Path]]]:
    """`port_input_files` in parts, in its order: the compose candidates of each searched folder,
    with that folder (they are the same for every Dockerfile below it), then the rest, with None."""
    search = search or FileSearch()
    directories = search_directories(dockerfile, search)
    parts: list[tuple[Path | None, list[Path]]] = [(directory, _compose_names_in(directory, search)) for directory in directories]
    # A folder's `.env` counts when one of its compose files is there (compose reads it).
    env_files = [search.child(directory, ENV_FILE_NAME) for directory in directories if _has_compose_file(directory, search)]
    parts.append(
        (None, env_files + command_files(dockerfile, repository_root(dockerfile, search), search) + manifest_files(dockerfile, search))
    )
    return parts


def referenced_variables(text: str) -> set[str]:
    """The names a compose or `.env` text may interpolate (a superset: comments count too)."""
    return set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))


def read_text(path: Path) -> str | None:
    """A small text file's contents; None when it is missing, unreadable or too large to be worth reading."""
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def port_sources(dockerfile: Path, search: FileSearch | None = None) -> Iterator[PortSource]:
    """Every compose service built from `dockerfile`, and every `docker run` of its image, with the ports they name.

    `docker run` counts when its image is one a `docker build -t` of
    `dockerfile` tags (in the files `command_files` reads) or the `image:` of
    a compose service built from it.
    """
    target = os.path.realpath(dockerfile)
    images: set[str] = set()
    search = search or FileSearch()
    for folder in dict.fromkeys(path.parent for path in compose_files(dockerfile, search)):
        yield from _folder_sources(folder, dockerfile.parent, target, images)
    root = repository_root(dockerfile, search)
    commands: list[tuple[Path, DockerCommand]] = []
    for path in command_files(dockerfile, root, search):
        text = read_text(path)
        commands.extend((path, command) for command in docker_commands(path, text or ""))
    # Outside a repository the CI files are looked for in the Dockerfile's folder, which is then their root too.
    ci_root = root if root is not None else dockerfile.parent
    for path, command in commands:
        if command.kind == "build" and _command_builds(command, path.parent, ci_root, target):
            images.update(tag for tag in command.options.get("-t", []) if "$" not in tag)
    repositories = {_repository(image) for image in images}
    for path, command in commands:
        if command.kind != "run" or not command.positionals or _repository(command.positionals[0]) not in repositories:
            continue
        where = f"`docker run` at {os.path.relpath(path, dockerfile.parent)}:{command.line}"
        published = _published_ports(command.options.get("-p"), None)
        if published:
            yield PortSource(where, "publishes", published)
        exposed = _exposed_ports(command.options.get("--expose"), None)
        if exposed:
            yield PortSource(where, "exposes", exposed)
    if images:
        yield from _manifest_sources(dockerfile, {_normalized_repository(image) for image in images}, search)


def _manifest_sources(dockerfile: Path, repositories: set[str], search: FileSearch) -> Iterator[PortSource]:
    """The `containerPort`s of the containers of Kubernetes workloads that run one of `repositories`."""
    for path in manifest_files(dockerfile, search):
        text = read_text(path)
        if text is None or "containerPort" not in text:
            continue  # most YAML files are no workload with ports: not worth parsing
        shown = os.path.relpath(path, dockerfile.parent)
        for kind, name, container in _manifest_containers(text):
            image = container.get("image")
            if not isinstance(image, str) or "$" in image or "{{" in image or not _runs(image, repositories):
                continue
            ports: set[Port] = set()
            declared = container.get("ports")
            for port in declared if isinstance(declared, list) else []:
                number = port.get("containerPort") if isinstance(port, dict) else None
                protocol = port.get("protocol", "TCP") if isinstance(port, dict) else None
                if isinstance(number, int) and not isinstance(number, bool) and isinstance(protocol, str) and 0 < number < 65536:
                    ports.add((number, protocol.lower()))
            if ports:
                container_name = container.get("name")
                who = f"container '{container_name}'" if isinstance(container_name, str) else "a container"
                workload = f"{kind} '{name}'" if name is not None else f"a {kind}"
                where = f"{who} of {workload} in {shown}"
                yield PortSource(where, "declares", frozenset(ports))


def _manifest_containers(text: str) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """(kind, metadata name, container) of every workload in a (multi-document) manifest, `List` items too."""
    import yaml  # only when a manifest is there

    try:
        documents = list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (yaml.YAMLError, RecursionError, ValueError):
        return  # a Helm template or a broken file: kubectl's to report
    while documents:
        document = documents.pop(0)
        if not isinstance(document, dict):
            continue
        kind = document.get("kind")
        if kind == "List" and isinstance(document.get("items"), list):
            documents[:0] = document["items"]
            continue
        path = _POD_SPEC_PATHS.get(kind) if isinstance(kind, str) else None
        spec: Any = document
        for key in path or ():
            spec = spec.get(key) if isinstance(spec, dict) else None
        if path is None or not isinstance(spec, dict) or not isinstance(spec.get("containers"), list):
            continue
        metadata = document.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        for container in spec["containers"]:
            if isinstance(container, dict):
                yield str(kind), name if isinstance(name, str) else None, container


def _normalized_repository(image: str) -> str:
    """`docker.io/library/nginx:1` and `nginx` alike: Docker Hub's implicit names made explicit-free."""
    repository = _repository(image).lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if repository.startswith(prefix):
            repository = repository[len(prefix) :]
    return repository.removeprefix("library/")


def _runs(image: str, repositories: set[str]) -> bool:
    """Whether a manifest's `image:` is one of ours: the same repository, or, for a bare local tag
    (`docker build -t api`), the same last path part (`ghcr.io/acme/api:1.4`, as pushed from CI)."""
    repository = _normalized_repository(image)
    last = repository.rsplit("/", 1)[-1]
    return repository in repositories or any("/" not in known and known == last for known in repositories)


def _command_builds(command: DockerCommand, folder: Path, root: Path, target: str) -> bool:
    """Whether `docker build` builds `target`, run from the file's folder or the repository root."""
    if not command.positionals or "$" in command.positionals[-1] or "://" in command.positionals[-1]:
        return False
    context = command.positionals[-1]  # the context comes last; other words are values of flags we do not know
    files = command.options.get("-f")
    dockerfile = files[-1] if files else None
    for working_directory in dict.fromkeys((folder, root)):
        built = working_directory / dockerfile if dockerfile else working_directory / context / "Dockerfile"
        if os.path.realpath(built) == target:
            return True
    return False


def _repository(image: str) -> str:
    """An image reference without its tag or digest: `docker run app` runs what `docker build -t app:dev` made."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def _folder_sources(folder: Path, dockerfile_folder: Path, target: str, images: set[str]) -> Iterator[PortSource]:
    """The services of one compose project folder; its override files add to the services of its main file.

    The `image:` names of the services built from `target` are added to `images`.
    """
    variables = _Variables(folder)
    documents = [(path, _compose_document(path)) for path in (folder / name for name in COMPOSE_FILE_NAMES) if path.is_file()]
    built_here = {
        str(name)
        for _, document in documents
        for name, service in _services(document)
        if _builds(service.get("build"), folder, target, variables)
    }
    for path, document in documents:
        shown = os.path.relpath(path, dockerfile_folder)
        for name, service in _services(document):
            if str(name) not in built_here:
                continue
            image = variables.interpolate(service.get("image"))
            if image:
                images.add(image)
            where = f"service '{name}' in {shown}"
            published = _published_ports(service.get("ports"), variables)
            if published:
                yield PortSource(where, "publishes", published)
            exposed = _exposed_ports(service.get("expose"), variables)
            if exposed:
                yield PortSource(where, "exposes", exposed)


def _services(document: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    services = document.get("services") if isinstance(document, dict) else None
    if isinstance(services, dict):
        yield from ((name, service) for name, service in services.items() if isinstance(service, dict))


def _builds(build: Any, folder: Path, target: str, variables: _Variables) -> bool:
    """Whether a service's `build:` (a context path, or a mapping) builds the Dockerfile at `target`."""
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict):
        return False
    context = variables.interpolate(build.get("context", "."))
    dockerfile = variables.interpolate(build.get("dockerfile", "Dockerfile"))
    if context is None or dockerfile is None or "://" in context or context.startswith("git@"):
        return False  # a remote context builds nothing on this disk
    return os.path.realpath(folder / context / dockerfile) == target


def _published_ports(entries: Any, variables: _Variables | None) -> frozenset[Port]:
    """Container ports of `ports:` entries or `-p` values; `variables` None for literal text (no interpolation)."""
    published: set[Port] = set()
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            target = _interpolated(variables, entry.get("target"))
            protocol = _interpolated(variables, entry.get("protocol", "tcp"))
            parsed = port_range(f"{target}/{protocol}") if target is not None and protocol is not None else None
        else:
            text = _interpolated(variables, entry)
            # `[ip:][host:]container[/protocol]`; `[::1]:8080:80` puts colons in the address.
            parsed = port_range(text.rsplit(":", 1)[-1]) if text is not None else None
        published.update(parsed or ())
    return frozenset(published)


def _exposed_ports(entries: Any, variables: _Variables | None) -> frozenset[Port]:
    exposed: set[Port] = set()
    for entry in entries if isinstance(entries, list) else []:
        text = _interpolated(variables, entry)
        exposed.update((port_range(text) if text is not None else None) or ())
    return frozenset(exposed)


def _interpolated(variables: _Variables | None, value: Any) -> str | None:
    if variables is not None:
        return variables.interpolate(value)
    return None if value is None or isinstance(value, (dict, list)) or "$" in str(value) else str(value)


_INTERPOLATION = LazyPattern(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?+])(?P<word>[^{}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


class _Variables:
    """Compose's interpolation: the environment wins over the project folder's `.env`."""

    def __init__(self, folder: Path) -> None:
        self.values: dict[str, str] = {**_env_file(folder / ENV_FILE_NAME), **os.environ}

    def interpolate(self, value: Any) -> str | None:
        """`value` with `${NAME}`, `${NAME:-default}` and the like replaced; None when one is required and unset."""
        if value is None or isinstance(value, (dict, list)):
            return None
        text = str(value)
        unknown = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown
            if match["escaped"]:
                return "$"
            name = match["braced"] or match["bare"]
            current = self.values.get(name)
            operator, word = match["operator"] or "", match["word"] or ""
            empty_counts = operator.startswith(":")
            unset = current is None or (empty_counts and current == "")
            if operator.endswith("-"):
                return word if unset else str(current)
            if operator.endswith("+"):
                return "" if unset else word
            if unset and operator.endswith("?"):
                unknown = True  # compose refuses the file
            return current or ""

        result = _INTERPOLATION.sub(replace, text)
        return None if unknown else result


def _env_file(path: Path) -> Mapping[str, str]:
    """`NAME=value` lines of a `.env` (an `export ` prefix, quotes and comments as compose reads them)."""
    text = read_text(path) if path.is_file() else None
    values: dict[str, str] = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, equals, value = line.partition("=")
        if not equals or line.startswith("#") or not name.strip():
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[name.strip()] = value
    return values


def _compose_document(path: Path) -> Any:
    import yaml  # only when a compose file is there

    text = read_text(path)
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=_compose_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None  # a broken compose file is compose's to report, not ours


@functools.cache
def _compose_loader() -> Any:
    """PyYAML's safe loader without YAML 1.1's base-60 numbers: compose reads `22:22` as a string, not 1342."""
    import yaml

    class ComposeLoader(yaml.SafeLoader):
        pass

    ComposeLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    ComposeLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    return ComposeLoader
