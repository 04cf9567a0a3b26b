"""The language server (`dockgate server`): dockgate's findings, suppressions and rule docs in editors."""
