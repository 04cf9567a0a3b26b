"""The values configuration settings take (levels, label types, rule selectors), and their checks:
shared by `rule_api.config` and the file schema in `rule_api.config_file`."""

from __future__ import annotations

import enum

from dockgate.rule_api.findings import Level

LEVEL_NAMES = ", ".join(level.value for level in Level)


class LabelType(str, enum.Enum):
    """What a required label's value must look like (hadolint's label schema)."""

    TEXT = "text"
    URL = "url"
    SEMVER = "semver"
    HASH = "hash"
    RFC3339 = "rfc3339"
    SPDX = "spdx"
    EMAIL = "email"


LABEL_TYPE_NAMES = ", ".join(label_type.value for label_type in LabelType)


def parse_level(value: object) -> Level:
    if isinstance(value, Level):
        return value
    if isinstance(value, str):
        try:
            return Level.parse(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a level ({LEVEL_NAMES})")


def parse_label_type(value: object) -> LabelType:
    if isinstance(value, LabelType):
        return value
    if isinstance(value, str):
        try:
            return LabelType(value.strip().lower())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a label type ({LABEL_TYPE_NAMES})")


def check_selector(value: str) -> str:
    if not value or "," in value or any(char.isspace() for char in value):
        raise ValueError(f"{value!r} is not a rule selector (a code, name, alias or code prefix)")
    return value
