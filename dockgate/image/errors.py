"""The one error an image input raises when it cannot be read."""

from __future__ import annotations

from dockgate.errors import UserError


class ImageError(UserError):
    """An image that cannot be read: the message is one clear line for the user.

    It never holds a credential (the registry client builds its messages from
    status codes and registry error codes, never from request headers).
    """
