"""dockgate: a Dockerfile linter and security analyzer."""

__version__ = "0.1.0"
