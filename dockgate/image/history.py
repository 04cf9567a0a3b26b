"""An image's history turned back into the Dockerfile instructions that wrote it.

Builders record each step in `history[].created_by`, each in its own way:

* Docker's classic builder and buildah: `/bin/sh -c #(nop) ENV A=b` for
  instructions that run nothing, `/bin/sh -c apt-get update` for a RUN,
  `|1 DB_PASSWORD=hunter2 /bin/sh -c mkdir /app` when build arguments were
  in scope (their values leak here), `/bin/sh -c #(nop) COPY file:<hash> in
  /app/main.py` for a copy; Windows images have `cmd /S /C` instead of
  `/bin/sh -c`.
* BuildKit: the instruction itself, `RUN /bin/sh -c apt-get update #
  buildkit` (the suffix marks a step that made a layer), `RUN |2 A=1 B=2
  /bin/sh -c ...`, `COPY . . # buildkit`, `ENV A=b`, `EXPOSE map[22/tcp:{}]`,
  `VOLUME [/data]`. kaniko writes the instruction without the suffix.
* Anything else (umoci's `umoci repack`, a base image's `# debian.sh ...`)
  is free text that says nothing about a Dockerfile: `parse_created_by`
  gives None for it. The classic builder records an exec-form RUN without
  build arguments as the bare command line, which cannot be told from free
  text, so it counts as free text too.

`synthetic_dockerfile` writes the RUN and ADD/COPY steps back as a
Dockerfile, so the Dockerfile shell rules can check a built image (DG4007).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dockgate.dockerfile.parser import MAX_LINE_BYTES
from dockgate.dockerfile.paths import normalised_path
from dockgate.image.models import HistoryEntry
from dockgate.lazy_pattern import LazyPattern

INSTRUCTION_KEYWORDS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER",
        "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip

# The shell a RUN went through: a POSIX shell with options up to `-c` (`/bin/bash -o pipefail -c`,
# `/bin/ash -eo pipefail -c`, `sh -ec`), cmd, or PowerShell (whose SHELL may add statements after -Command).
_SHELL_PREFIX = LazyPattern(
    r"(?P<shell>"
    r"(?:\S*/)?(?:ba|da|a|z|k|mk)?sh(?:\s+-[a-zA-Z]*o\s+\w[\w-]*|\s+[-+][a-zA-Z]+)*?\s+-[a-zA-Z]*c"
    r"|(?i:cmd(?:\.exe)?\s+/S\s+/C)"
    r"|(?i:(?:\S*\\)?(?:powershell|pwsh)(?:\.exe)?(?:\s+-\w+)*?\s+-Command)"
    r")(?:\s+|$)",
)
_NOP = LazyPattern(r"#\(nop\)\s*")
_BUILDKIT_SUFFIX = LazyPattern(r"\s*# buildkit\s*\Z")
_BUILD_ARG_COUNT = LazyPattern(r"\|(\d+)(?:\s+|\Z)")
_BUILD_ARG = LazyPattern(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)(?:\s+|\Z)")
_WORD = LazyPattern(r"(\S+)(?:\s+|\Z)")
_KEYWORD_FORM = LazyPattern(r"([A-Z]+)(?:\s+(.*))?\Z", re.DOTALL)
_GO_MAP = LazyPattern(r"map\[(.*)\]\Z", re.DOTALL)
_GO_MAP_KEY = LazyPattern(r"([^\s:]+):\{\}")
_GO_SLICE = LazyPattern(r"\[([^\]\"]*)\]\Z")
# `COPY file:<hash> in /dest`, `ADD multi:<hash> in /dest/`: the classic builder names sources by content hash.
_LEGACY_COPY = LazyPattern(r"(?P<source>(?:file|dir|multi):[0-9a-f]+)\s+in\s+(?P<destination>.*?)\s*\Z", re.DOTALL)
_HASHED_SOURCE = LazyPattern(r"(?:file|dir|multi):[0-9a-f]+\Z")


@dataclass(frozen=True, slots=True)
class HistoryInstruction:
    """The Dockerfile instruction one history entry records, as far as the entry tells."""

    keyword: str
    """Upper case: `RUN`, `COPY`, `ENV` ..."""
    arguments: str
    """The text after the keyword; for a RUN, the script alone (no shell, no build arguments)."""
    build_args: tuple[tuple[str, str], ...] = ()
    """Build arguments recorded in front of a RUN (`|2 A=1 B=2 ...`): their values are in the image."""
    shell: tuple[str, ...] | None = None
    """The shell a RUN ran under (`("/bin/sh", "-c")`), None when it ran without one (exec form)."""

    @property
    def text(self) -> str:
        """The instruction as a Dockerfile line would say it: `RUN apt-get update`."""
        return f"{self.keyword} {self.arguments}" if self.arguments else self.keyword

    @property
    def destination(self) -> str | None:
        """Where a COPY or ADD wrote, normalised (`/app/` -> `/app`); None for other keywords."""
        if self.keyword not in ("COPY", "ADD") or not self.arguments.split():
            return None
        return normalised_path(self.arguments.split()[-1])

    @property
    def hashed_source(self) -> bool:
        """A COPY/ADD whose sources the builder recorded only by content hash (`file:<hash>`)."""
        words = self.arguments.split()
        return len(words) >= 2 and all(_HASHED_SOURCE.match(word) for word in words[:-1])

    def keys(self) -> list[str]:
        """The names an ENV, LABEL or ARG sets, in order (quotes taken off)."""
        if self.keyword == "ARG":
            return [word.partition("=")[0] for word in self.arguments.split()]
        if self.keyword in ("ENV", "LABEL"):
            return [key.strip("\"'") for key in re.findall(r"(?:^|\s)([^\s=]+)=", self.arguments)]
        return []


def parse_created_by(created_by: str | None) -> HistoryInstruction | None:
    """The instruction a `created_by` records, or None for free text that is no instruction."""
    if not created_by or not created_by.strip():
        return None
    text = _BUILDKIT_SUFFIX.sub("", created_by.strip())
    shell = _SHELL_PREFIX.match(text)
    nop = _NOP.match(text, shell.end()) if shell is not None else None
    if nop is not None:
        return _keyword_form(text[nop.end() :])
    keyword_form = _keyword_form(text)
    if keyword_form is not None:
        return keyword_form
    if shell is not None or _BUILD_ARG_COUNT.match(text):
        # The classic builder's RUN: the command line itself.
        return _run(text)
    return None


def _keyword_form(text: str) -> HistoryInstruction | None:
    match = _KEYWORD_FORM.match(text.strip())
    if match is None or match.group(1) not in INSTRUCTION_KEYWORDS:
        return None
    keyword, arguments = match.group(1), (match.group(2) or "").strip()
    if keyword == "RUN":
        return _run(arguments)
    if keyword in ("COPY", "ADD"):
        legacy = _LEGACY_COPY.fullmatch(arguments)
        if legacy is not None:
            arguments = f"{legacy.group('source')} {legacy.group('destination')}"
    elif keyword == "EXPOSE" and (go_map := _GO_MAP.match(arguments)):
        arguments = " ".join(_GO_MAP_KEY.findall(go_map.group(1)))
    elif keyword == "VOLUME" and (go_slice := _GO_SLICE.match(arguments)):
        arguments = go_slice.group(1).strip()
    return HistoryInstruction(keyword, arguments)


def _run(text: str) -> HistoryInstruction:
    build_args, rest = split_build_args(text)
    shell = _SHELL_PREFIX.match(rest)
    if shell is None:
        return HistoryInstruction("RUN", rest.strip(), build_args)
    return HistoryInstruction("RUN", rest[shell.end() :].strip(), build_args, tuple(shell.group("shell").split()))


def split_build_args(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """`|2 A=1 B=two words /bin/sh -c x` -> ((A, 1), (B, two words)), `/bin/sh -c x`.

    The builders join the pairs with spaces and quote nothing, so a value
    with spaces runs up to the next `NAME=`; the last value is taken to end
    at its first space, since what follows it is the command.
    """
    count_match = _BUILD_ARG_COUNT.match(text)
    if count_match is None:
        return (), text
    count = int(count_match.group(1))
    position = count_match.end()
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        pair = _BUILD_ARG.match(text, position)
        if pair is None:
            break
        name, value = pair.group(1), pair.group(2)
        position = pair.end()
        if len(pairs) < count - 1:
            while position < len(text) and not _BUILD_ARG.match(text, position):
                word = _WORD.match(text, position)
                assert word is not None  # position is on a non-space character
                value += " " + word.group(1)
                position = word.end()
        pairs.append((name, value))
    return tuple(pairs), text[position:]


# ------------------------------------------------------------------ synthetic Dockerfile

_HEREDOC_DELIMITER = "DOCKGATE_HISTORY_EOF"


@dataclass(frozen=True, slots=True)
class SyntheticDockerfile:
    """The RUN and ADD/COPY steps of a history written as a Dockerfile, and where each came from."""

    text: str
    history_by_line: dict[int, int] = field(default_factory=dict)
    """Every line of an instruction -> the index of the history entry it was written from."""

    def history_index(self, line: int) -> int | None:
        return self.history_by_line.get(line)


def synthetic_dockerfile(history: list[HistoryEntry]) -> SyntheticDockerfile:
    """A Dockerfile of the steps in `history` that the Dockerfile shell rules can judge.

    It starts `FROM scratch`; each RUN becomes a RUN (a heredoc when its
    script spans lines or holds `<<`, so no line of it is read as Dockerfile
    syntax), preceded by a SHELL when it ran under another shell than the
    one before; ADD and COPY are kept unless the builder recorded their
    sources only by content hash, which says nothing a rule could use, or
    they are the first layer and write to `/`: the base image's root file
    system (`ADD file:<hash> in /`, `ADD rootfs.tar.xz /`). Other instructions are left
    out: their values are written unquoted in history and would not parse
    reliably, and the shell rules do not need them.
    """
    lines = ["FROM scratch"]
    history_by_line: dict[int, int] = {}
    current_shell: tuple[str, ...] = ("/bin/sh", "-c")
    first_layer = next((index for index, entry in enumerate(history) if not entry.empty_layer), None)
    for index, entry in enumerate(history):
        instruction = parse_created_by(entry.created_by)
        if instruction is None or instruction.keyword not in ("RUN", "COPY", "ADD"):
            continue
        if instruction.keyword != "RUN" and (
            instruction.hashed_source or (index == first_layer and instruction.destination == "/")
        ):
            continue
        if _too_long(instruction.arguments):
            continue
        if instruction.keyword == "RUN":
            shell = instruction.shell or current_shell
            if shell != current_shell:
                lines.append("SHELL " + json.dumps(list(shell)))
                current_shell = shell
            written = _run_lines(instruction.arguments)
        else:
            written = [" ".join(instruction.text.split())]
        first = len(lines) + 1
        lines.extend(written)
        for line in range(first, len(lines) + 1):
            history_by_line[line] = index
    text = "\n".join(lines) + "\n"
    # JSON strings may hold lone surrogates, which no Dockerfile can: they become `?`.
    return SyntheticDockerfile(text.encode("utf-8", "replace").decode("utf-8"), history_by_line)


def _too_long(text: str) -> bool:
    """A line BuildKit's parser would refuse (64 KiB): such a step is left out, not the whole file."""
    return any(len(line.encode("utf-8", "replace")) > MAX_LINE_BYTES - len("RUN ") for line in text.split("\n"))


def _run_lines(script: str) -> list[str]:
    """A RUN for `script`: one line when that is safe, else a quoted heredoc holding it verbatim."""
    if "\n" not in script and "<<" not in script and not script.rstrip().endswith("\\"):
        return [f"RUN {script}"]
    lines = script.split("\n")
    delimiter = _HEREDOC_DELIMITER
    while delimiter in (line.strip() for line in lines):
        delimiter += "_"
    return [f"RUN <<'{delimiter}'", *lines, delimiter]
