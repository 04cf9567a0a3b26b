"""Build efficiency and the build context (DG3xxx)."""
