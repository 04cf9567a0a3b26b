"""The schema a configuration file is validated against (`.dockgate.toml`, `[tool.dockgate]`,
a converted `.hadolint.yaml`); `rule_api.config` imports it only when there is a file to read.

Its fields are `Config`'s settings, one for one (a test holds them together).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from dockgate.rule_api.findings import Level
from dockgate.rule_api.setting_values import LabelType, check_selector, parse_label_type, parse_level

LevelName = Annotated[Level, BeforeValidator(parse_level)]
LabelTypeName = Annotated[LabelType, BeforeValidator(parse_label_type)]
Selector = Annotated[str, AfterValidator(check_selector)]


class ConfigFile(BaseModel):
    """A configuration as written in a file; see `rule_api.config` for the keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    select: list[Selector] | None = None
    ignore: list[Selector] = Field(default_factory=list)
    levels: dict[Selector, LevelName] = Field(default_factory=dict)
    failure_threshold: LevelName = Field(default=Level.INFO, alias="failure-threshold")
    no_fail: StrictBool = Field(default=False, alias="no-fail")
    trusted_registries: list[str] = Field(default_factory=list, alias="trusted-registries")
    label_schema: dict[str, LabelTypeName] = Field(default_factory=dict, alias="label-schema")
    strict_labels: StrictBool = Field(default=False, alias="strict-labels")
    disable_ignore_pragma: StrictBool = Field(default=False, alias="disable-ignore-pragma")
    per_file_ignores: dict[str, list[Selector]] = Field(default_factory=dict, alias="per-file-ignores")
    exclude: list[str] = Field(default_factory=list)
    target: str | None = None


def known_keys() -> list[str]:
    """The keys a file may use, as written there (kebab-case)."""
    return [field.alias or name for name, field in ConfigFile.model_fields.items()]
