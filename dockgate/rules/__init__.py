"""The rule registry: every rule module, listed explicitly (no discovery magic).

Families: `core` (the file as Docker reads it), `hadolint` (hadolint's DL
rules under their DL codes), `buildkit` (Docker's build checks), `security`.
To add a rule, copy a neighbour module and add its path here.
"""

RULE_MODULES: tuple[str, ...] = (
    "dockgate.rules.core.dl1000_parse_error",
    "dockgate.rules.core.dg0001_unknown_instruction",
    "dockgate.rules.core.dg0002_invalid_arguments",
    "dockgate.rules.core.dg0003_invalid_flag",
    "dockgate.rules.core.dg0004_invalid_utf8",
    "dockgate.rules.hadolint.dl4000_maintainer_deprecated",
    "dockgate.rules.buildkit.dg1003_no_empty_continuation",
    "dockgate.rules.security.dg2014_insecure_run_entitlements",
)
