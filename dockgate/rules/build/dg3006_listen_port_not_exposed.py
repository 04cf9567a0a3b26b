"""
## What it does
Reports a port the image's start command says the application listens on
when the image EXPOSEs ports but not that one. The port is read only where
the CMD or ENTRYPOINT of the final stage names it explicitly:

- `uvicorn --port 8000`, `flask run -p 5000` (`--port` alike);
- `gunicorn -b 0.0.0.0:8000` and `hypercorn --bind ...` (every bind);
  `gunicorn` without a bind listens on `$PORT` when ENV sets `PORT`;
- `manage.py runserver 0.0.0.0:8000` (or `django-admin runserver 8000`);
- `python -m http.server 8080`;
- the official `nginx` image, which listens on 80, when the Dockerfile keeps
  its start command and copies nothing into `/etc/nginx`.

Values are expanded as the container's shell would (`--port $PORT` with
`ENV PORT=8000`); a start command built from values the file does not fix
says nothing. An image with no EXPOSE at all is left alone: this rule is
about EXPOSE naming a different port. The finding sits on the final stage's
last EXPOSE when it has one, else on its FROM.

## Why is this bad?
EXPOSE documents where the application is reached. When the server listens
on another port, `docker run -P`, orchestrators and readers all point at a
port where nothing answers, and the published port gives "connection
refused" while the container looks healthy.

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8080
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```
"""

from __future__ import annotations

import shlex
from typing import Iterator

from dockgate.analysis.published_ports import describe_ports
from dockgate.analysis.semantics import Stage
from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.base_images import base_image
from dockgate.rules.common.exposed_ports import expose_instructions, exposed_ports, mismatch_position

RULE = RuleMeta(
    code="DG3006",
    name="listen-port-not-exposed",
    summary="The start command listens on a port EXPOSE does not name",
    level=Level.INFO,
    precision="medium",
    documentation=__doc__,
)

NGINX_DEFAULT_PORT = 80
_SEPARATORS = {"&&", "||", ";", "|", "&"}
_PYTHONS = ("python", "python3", "python2")


def check(context: LintContext) -> Iterator[Violation]:
    final = context.semantics.final_stage
    if final is None or not expose_instructions(final):
        return
    exposed = exposed_ports(context, final)
    if exposed is None:
        return
    for server, port in _listening(context, final):
        if (port, "tcp") not in exposed:
            span, line = mismatch_position(final)
            yield Violation(
                f"{server} listens on port {port}, which EXPOSE does not name "
                f"(it names {describe_ports(exposed) or 'no port'})",
                span,
                line,
            )


def _listening(context: LintContext, final: Stage) -> Iterator[tuple[str, int]]:
    """(what says so, port) for each port the start command names."""
    start = _start_instructions(final)
    words = [word for instruction in start for word in _words(context, instruction)]
    if not start and _plain_nginx(final):
        yield "nginx (the image's default configuration)", NGINX_DEFAULT_PORT
        return
    port_variable = _variable(context, start[-1], "PORT") if start else None
    for command in _commands(words):
        yield from _command_ports(command, port_variable)


def _start_instructions(final: Stage) -> list[Instruction]:
    """The ENTRYPOINT and CMD in force in the final stage (through its FROM chain), in that order."""
    found: dict[str, Instruction] = {}
    stage: Stage | None = final
    while stage is not None:
        for instruction in reversed(stage.instructions):
            if instruction.keyword in ("ENTRYPOINT", "CMD"):
                found.setdefault(instruction.keyword, instruction)
        stage = stage.base_stage
    return [found[keyword] for keyword in ("ENTRYPOINT", "CMD") if keyword in found]


def _words(context: LintContext, instruction: Instruction) -> list[str | None]:
    """The command's words; a shell script (shell form, or `sh -c '...'`) split and expanded; None for an unknown word."""
    if instruction.json_form:
        values = [word.value for word in instruction.args]
        if len(values) >= 3 and values[0].rsplit("/", 1)[-1] in ("sh", "bash") and values[1] == "-c":
            return _script_words(context, instruction, values[2])
        return [None if "$" in value else value for value in values]
    return _script_words(context, instruction, instruction.arguments.value if instruction.arguments else "")


def _script_words(context: LintContext, instruction: Instruction, script: str) -> list[str | None]:
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        return []
    return [context.semantics.expand_in(instruction, word).value if "$" in word else word for word in words]


def _variable(context: LintContext, instruction: Instruction, name: str) -> str | None:
    return context.semantics.expand_in(instruction, f"${{{name}}}").value or None


def _commands(words: list[str | None]) -> Iterator[list[str | None]]:
    command: list[str | None] = []
    for word in [*words, ";"]:
        if word in _SEPARATORS:
            if command:
                yield command
            command = []
        else:
            command.append(word)


def _command_ports(command: list[str | None], port_variable: str | None) -> Iterator[tuple[str, int]]:
    while command and (command[0] in ("exec", "env") or (command[0] or "").partition("=")[1]):
        command = command[1:]  # `exec uvicorn ...`, `env A=b uvicorn ...`
    if not command or command[0] is None:
        return
    program = command[0].rsplit("/", 1)[-1]
    arguments = command[1:]
    if program.startswith(_PYTHONS) and len(arguments) >= 2 and arguments[0] == "-m" and arguments[1] is not None:
        program, arguments = arguments[1], arguments[2:]
    elif program.startswith(_PYTHONS) and arguments and arguments[0] is not None:
        program, arguments = arguments[0].rsplit("/", 1)[-1], arguments[1:]
    if program == "uvicorn":
        yield from _named(program, _option_values(arguments, ("--port",)))
    elif program == "flask" and "run" in arguments:
        yield from _named("flask run", _option_values(arguments, ("-p", "--port")))
    elif program in ("gunicorn", "hypercorn"):
        binds = _option_values(arguments, ("-b", "--bind"))
        if not binds and program == "gunicorn" and port_variable is not None:
            binds = [f"0.0.0.0:{port_variable}"]  # gunicorn binds to $PORT when it is set
        yield from _named(program, [bind.rsplit(":", 1)[-1] for bind in binds if not bind.startswith(("unix:", "fd:"))])
    elif program in ("manage.py", "django-admin") and "runserver" in arguments:
        addresses = _positionals(arguments[arguments.index("runserver") + 1 :], ("--settings", "--pythonpath"))
        yield from _named(f"{program} runserver", [address.rsplit(":", 1)[-1] for address in addresses[:1]])
    elif program == "http.server":
        yield from _named("http.server", _positionals(arguments, ("-b", "--bind", "-d", "--directory", "-p", "--protocol"))[:1])


def _option_values(arguments: list[str | None], names: tuple[str, ...]) -> list[str]:
    """The values of an option (`--port 8000`, `--port=8000`, `-p8000`); an unknown value is left out."""
    values: list[str] = []
    for index, word in enumerate(arguments):
        if word is None:
            continue
        for name in names:
            if word == name and index + 1 < len(arguments):
                following = arguments[index + 1]
                values.extend([following] if following is not None else [])
            elif word.startswith(f"{name}=") or (len(name) == 2 and word.startswith(name) and len(word) > 2):
                values.append(word[len(name) :].lstrip("="))
    return values


def _positionals(arguments: list[str | None], valued_options: tuple[str, ...]) -> list[str]:
    """The words that are neither options nor their values; stops at an unknown word (it could be either)."""
    positionals: list[str] = []
    skip = False
    for word in arguments:
        if word is None:
            break
        if skip or word.startswith("-"):
            skip = word in valued_options
            continue
        positionals.append(word)
    return positionals


def _named(server: str, values: list[str]) -> Iterator[tuple[str, int]]:
    for value in values:
        if value.isdigit() and 0 < int(value) < 65536:
            yield f"`{server}`", int(value)


def _plain_nginx(final: Stage) -> bool:
    """The official nginx image, still running its default configuration (nothing copied into /etc/nginx)."""
    image = base_image(final)
    if image is None:
        return False
    name = image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image.split("@", 1)[0]
    if name.removeprefix("docker.io/").removeprefix("library/") != "nginx":
        return False
    stage: Stage | None = final
    while stage is not None:
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD") and instruction.args and "/etc/nginx" in instruction.args[-1].value:
                return False
        stage = stage.base_stage
    return True
