"""Which stages build a Windows image: the one place rules and the shell analysis ask.

A stage is taken as Windows when any of these says so:
* its base image (through the stages it is built `FROM`) is a Windows one by
  name: `mcr.microsoft.com/windows/servercore`, `.../nanoserver`,
  `mcr.microsoft.com/windows`, `mcr.microsoft.com/dotnet/framework/...`, the
  old `microsoft/windowsservercore`, a name holding `nanoserver` or
  `servercore`, or a tag such as
  `python:3.12-windowsservercore-ltsc2022` or `node:20-nanoserver`;
* its FROM has `--platform=windows/...`;
* a SHELL of its chain runs `powershell` (Windows PowerShell) or `cmd`
  (`pwsh` runs on Linux too, so it is no hint, though it is no POSIX shell);
* the file's `# escape=` directive is a backtick, which Windows Dockerfiles
  use so that `C:\\path` needs no doubled backslashes.

What follows from it: the default shell is `cmd /S /C` (so RUN has no POSIX
script, no ShellCheck and no POSIX shell rule, unless SHELL names a POSIX
shell), and a user is a name (`ContainerUser`, `ContainerAdministrator`),
never a numeric id.
"""

from __future__ import annotations

import re

from dockgate.analysis.semantics import SemanticModel, Stage
from dockgate.lazy_pattern import LazyPattern

WINDOWS_DEFAULT_SHELL = "cmd /S /C"
"""The shell a Windows image runs shell-form RUN, CMD and ENTRYPOINT with."""

_WINDOWS_IMAGE = LazyPattern(
    # `windows` and `ltsc2022` as whole parts of the name; `nanoserver` and `servercore` anywhere
    # (`nanoserverapiscan`, an image built on nanoserver), being no word of any Linux image name.
    r"(?:^|[/:._-])(?:windows|windowsserver|ltsc\d{4})(?:[/:._-]|$)|nanoserver|servercore"
    r"|^mcr\.microsoft\.com/dotnet/framework/",
    re.IGNORECASE,
)
_WINDOWS_SHELLS = frozenset({"powershell", "powershell.exe", "cmd", "cmd.exe"})


def is_windows_image(reference: str) -> bool:
    """`mcr.microsoft.com/windows/servercore:ltsc2022`, `golang:1.22-nanoserver`; not `alpine`."""
    return _WINDOWS_IMAGE.search(reference) is not None


def is_windows_shell(shell_words: list[str]) -> bool:
    """A SHELL's JSON words that run Windows PowerShell or cmd (`["powershell", "-Command"]`)."""
    if not shell_words:
        return False
    program = shell_words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return program in _WINDOWS_SHELLS


def is_windows_stage(semantics: SemanticModel, stage: Stage) -> bool:
    """Whether `stage` builds a Windows image, by the hints in the module docstring."""
    if semantics.document.escape == "`":
        return True
    member: Stage | None = stage
    while member is not None:
        if any(
            instruction.keyword == "SHELL"
            and instruction.json_form
            and is_windows_shell([word.value for word in instruction.args])
            for instruction in member.instructions
        ):
            return True
        platform = member.from_instruction.flag("platform")
        if platform is not None and (platform.value or "").lower().startswith("windows"):
            return True
        if member.base_stage is None:
            # A partly unknown name (`servercore:${VERSION}`) still says what its known part says.
            return is_windows_image(member.base_name)
        member = member.base_stage
    return False


def windows_stage_starts(semantics: SemanticModel) -> frozenset[int]:
    """The ids of the FROM instructions of the stages that build Windows images."""
    return frozenset(
        id(stage.from_instruction) for stage in semantics.stages if is_windows_stage(semantics, stage)
    )
