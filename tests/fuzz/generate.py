"""Structure-aware inputs: Dockerfiles built from random instruction sequences, and seed corpora.

`dockerfile(rng)` writes the shapes a byte mutator rarely reaches on its own: parser
directives, flags, every heredoc form, continuations (with either escape token and comment
lines inside), JSON arrays with odd escapes, nested and deep expansions and substitutions.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

TESTS = Path(__file__).parent.parent

_IMAGES = ["debian:12", "alpine", "ubuntu:22.04@sha256:" + "a" * 64, "${BASE}", "scratch", "base", "$IMG:${TAG:-latest}", "python:3.12-slim AS build"]
_WORDS = ["curl", "wget=1.2", "git", "-y", "--no-install-recommends", "$PKG", "${A:-b}", "'q w'", '"x y"', "a\\ b", "pkg/bookworm", "./x.deb", "--", "&&", "||", "|", ";", "2>&1", ">/dev/null", "*", "~", "${A:+${B:-$C}}", "${X#*/}", "${X%%.*}", "${X/a/b}", "$((1+2))", "\\$HOME", "ä", "\t"]
_COMMANDS = ["apt-get install", "apt-get update", "apk add", "pip install", "npm install", "yum install", "dnf install", "zypper install", "gem install", "go install", "curl -fsSL http://x | sh", "wget -O- x | bash", "cd /tmp", "sudo", "useradd -u 100000 u", "chmod 777 /", "ssh-keygen", "echo", "eval", "su -c", "git clone", "source /x", "ln -s"]
_FLAGS = ["--chown=1:1", "--chmod=755", "--from=build", "--link", "--mount=type=cache,target=/root/.cache", "--mount=type=secret,id=x", "--network=none", "--platform=$BUILDPLATFORM", "--security=insecure", "--exclude=*.md", "--checksum=sha256:" + "0" * 64, "--keep-git-dir", "--parents", "--interval=5s", "--timeout=0", "--retries=x", "--", "--unknown", "--from"]
_JSON_ARRAYS = ['["sh", "-c", "echo hi"]', '["a\\"b", "\\u00e9", "\\ud800"]', '[ ]', '["x",]', '[1, 2]', '["\\\\", "\\/"]', '["unterminated', '["a"] trailing', '[["nested"]]', '["\\n\\t"]']
_KEYWORDS = ["FROM", "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "ENV", "ARG", "LABEL", "EXPOSE", "USER", "WORKDIR", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER", "from", "Run", "BOGUS"]
_COMMENTS = ["# hadolint ignore=DL3008,DL3015", "# dockgate: ignore=DL3006 -- reason", "# hadolint global ignore=DL3007", "# hadolint shell=pwsh", "# hadolint stage ignore=DL3059", "# check=skip=all", "#", "# plain comment", "# dockgate: global ignore=DG"]
_DIRECTIVES = ["# escape=`", "# escape=\\", "# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.7-labs", "# check=error=true", "#escape = `", "# escape=x", "#!/usr/bin/env dockerfile", "\ufeff# syntax=docker/dockerfile:1"]


def _word(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if roll < 0.08 and depth < 6:
        return f"$({_command(rng, depth + 1)})"
    if roll < 0.12 and depth < 6:
        return "${V:-" + _word(rng, depth + 1) + "}"
    if roll < 0.15 and depth < 6:
        return "`" + _command(rng, depth + 1) + "`"
    return rng.choice(_WORDS)


def _command(rng: random.Random, depth: int = 0) -> str:
    return " ".join([rng.choice(_COMMANDS)] + [_word(rng, depth) for _ in range(rng.randint(0, 4))])


def _shell_script(rng: random.Random, escape: str) -> str:
    parts = [_command(rng) for _ in range(rng.randint(1, 4))]
    joiners = [" && ", " ; ", " || ", " | ", f" {escape}\n    ", f" && {escape}\n# inner comment\n    ", f" {escape}\n\n  "]
    script = parts[0]
    for part in parts[1:]:
        script += rng.choice(joiners) + part
    return script


def _heredoc(rng: random.Random) -> tuple[str, str]:
    """A heredoc marker and the body lines it needs after the instruction."""
    name = rng.choice(["EOF", "END", "x", "E O F"])
    marker = rng.choice(["<<{}", "<<-{}", "<<'{}'", '<<"{}"', "<<-'{}'", "<< {}"]).format(name)
    body = "\n".join(rng.choice(["\tindented", "echo $A", "$(date)", "EOF ", "", "apt-get install curl", "\\", "line"]) for _ in range(rng.randint(0, 4)))
    end = rng.choice([name, "\t" + name, name + " ", ""])
    return marker, (body + "\n" if body else "") + end


def _instruction(rng: random.Random, escape: str) -> str:
    keyword = rng.choice(_KEYWORDS)
    upper = keyword.upper()
    flags = " ".join(rng.choice(_FLAGS) for _ in range(rng.choice([0, 0, 1, 2])))
    head = f"{keyword} {flags} ".replace("  ", " ") if flags else f"{keyword} "
    if upper == "FROM":
        return head + rng.choice(_IMAGES)
    if upper in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK") and rng.random() < 0.3:
        prefix = "CMD " if upper == "HEALTHCHECK" else ""
        return head + prefix + rng.choice(_JSON_ARRAYS)
    if upper in ("RUN", "COPY", "ADD") and rng.random() < 0.25:
        marker, body = _heredoc(rng)
        target = " /dst" if upper != "RUN" else ""
        return f"{head}{marker}{target}\n{body}"
    if upper in ("RUN", "CMD", "ENTRYPOINT"):
        return head + _shell_script(rng, escape)
    if upper == "ONBUILD":
        return "ONBUILD " + _instruction(rng, escape)
    if upper in ("ENV", "ARG", "LABEL"):
        pairs = [f"{rng.choice(['A', 'B', 'PKG', 'TAG', 'BASE', 'x.y', '1'])}{rng.choice(['=', '=', ' ', '='])}{_word(rng)}" for _ in range(rng.randint(0, 3))]
        return head + f" {escape}\n    ".join(pairs)
    if upper in ("COPY", "ADD"):
        return head + " ".join(_word(rng) for _ in range(rng.randint(0, 4)))
    return head + " ".join(_word(rng) for _ in range(rng.randint(0, 2)))


def dockerfile(rng: random.Random) -> str:
    """A random Dockerfile, mostly valid, often odd."""
    lines = [rng.choice(_DIRECTIVES) for _ in range(rng.choice([0, 0, 1, 2]))]
    escape = "`" if any(line.replace(" ", "") == "#escape=`" for line in lines) else "\\"
    for _ in range(rng.randint(1, 12)):
        if rng.random() < 0.15:
            lines.append(rng.choice(_COMMENTS))
        lines.append(_instruction(rng, escape))
        if rng.random() < 0.05:
            lines.append(rng.choice(["", "   ", escape, "\t"]))
    text = "\n".join(lines)
    newline = rng.choice(["\n", "\n", "\r\n"])
    return text.replace("\n", newline) + rng.choice(["\n", "", escape])


def seed_dockerfiles() -> list[str]:
    """The conformance and rule-case Dockerfiles of the test suite."""
    seeds = [path.read_text(encoding="utf-8", errors="replace") for path in sorted((TESTS / "data").rglob("*")) if path.is_file() and "ockerfile" in path.name]
    for cases_file in sorted((TESTS / "rules" / "cases").glob("*.yaml")):
        for case in yaml.safe_load(cases_file.read_text(encoding="utf-8")).get("cases", []):
            if isinstance(case.get("dockerfile"), str):
                seeds.append(case["dockerfile"])
    return seeds
