"""The one base class of every error a user can cause.

Usage, configuration, source and image errors all derive from `UserError`:
the CLI catches it once and turns it into exit 2 with the message as one
line. Anything else that escapes is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user gave (a flag, a config file, a path, an image); the message is for them."""


class UsageError(UserError):
    """A mistake on the command line or in the API call's arguments."""
