"""Image rules on the files in a built image's layers (DG5xxx)."""
