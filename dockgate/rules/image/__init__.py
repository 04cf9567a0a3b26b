"""Image rules on the config and history of a built image (DG4xxx)."""
