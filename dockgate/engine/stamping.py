"""Turning what a rule yields into a `Finding`: its code and name, level and fingerprint.

Written once for both targets: a Dockerfile violation and an image violation
differ only in where they are and in what their fingerprint is about.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Level
from dockgate.rule_api.rule import RuleMeta


class FamilyMember(NamedTuple):
    """One code of a rule family (ShellCheck's SC2086), as configuration and suppressions see it."""

    code: str
    name: str
    aliases: tuple[str, ...]
    level: Level


class Identity(NamedTuple):
    """The code, name, aliases and level a finding is reported under."""

    code: str
    name: str
    aliases: tuple[str, ...]
    level: Level


def identity(
    meta: RuleMeta,
    level: Level,
    member_code: str | None,
    member_level: Level | None,
    config: Config,
    path: Path | None = None,
    *,
    member_aliases: tuple[str, ...] = (),
) -> Identity | None:
    """Who reports a violation, at which level; None when the configuration turns it off.

    A family member (a violation with its own code) is configured on its own:
    `ignore = ["SC2086"]`, `--error SC2046`. `member_aliases` lets selecting the
    family select its members too (DG4007's members are Dockerfile rule codes).
    """
    if member_code is None:
        return Identity(meta.code, meta.name, meta.aliases, level)
    member = FamilyMember(member_code, f"{meta.name}-{member_code.lower()}", member_aliases, member_level or level)
    member_level_in_force = config.level_for(member)
    if member_level_in_force is Level.OFF or config.ignored_for_path(member, path):
        return None
    return Identity(member.code, member.name, member.aliases, member_level_in_force)


def fingerprint(code: str, where: str, subject: str, message: str) -> str:
    """A key that survives code moving up or down: rule, file or image, what it is about, message."""
    digest = hashlib.sha256("\0".join((code, where, subject, message)).encode("utf-8", "replace"))
    return digest.hexdigest()[:32]
