"""The one base class of every error a user can cause.

Usage, configuration, source and image errors all derive from `UserError`:
the CLI catches it once and turns it into exit 2 with the message as one
line. Anything else that escapes is a bug. `kept_as_result` readies an error that
is kept as data (a syntax error that becomes a finding) rather than raised.
"""

from __future__ import annotations

from typing import TypeVar


class UserError(Exception):
    """A problem with what the user gave (a flag, a config file, a path, an image); the message is for them."""


class UsageError(UserError):
    """A mistake on the command line or in the API call's arguments."""


_AnyException = TypeVar("_AnyException", bound=BaseException)


def kept_as_result(error: _AnyException) -> _AnyException:
    """`error`, and the exceptions it was raised while handling, without their tracebacks: for an
    error kept as a result (a syntax error that becomes a finding), not raised again.

    A traceback holds the frames it passed through, and each frame its caller and their variables:
    kept in the document's own model, it ties the model and the whole batch being linted into a
    reference cycle, which only the garbage collector's slow full passes free.
    """
    seen: BaseException | None = error
    while seen is not None:
        seen.__traceback__ = None
        seen = seen.__context__
    return error
