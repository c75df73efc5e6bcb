"""One exception family for geocouple.

Every error a user can cause (bad data, bad config, unmatched ids) is a
:class:`GeocoupleError`. Its message is one line that names the file, column, row or
key at fault and says what was expected and what was given, in the tone of
libpysal.graph: "X needs to be Y; Z was given instead." The command line prints it as
``geocouple: error: <message>`` and exits with code 2.
"""

from __future__ import annotations


class GeocoupleError(ValueError):
    """Base class for errors caused by the user's input or configuration."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        # keep the message on one line whatever the caller passed
        super().__init__(" ".join(str(message).split()))
        #: every problem found, when several were collected (``geocouple validate``)
        self.problems = list(problems) if problems else [str(self)]


class InputError(GeocoupleError):
    """A data file (panel, boundaries, grade table) is unreadable or invalid."""


class ConfigError(GeocoupleError):
    """A configuration file or a function argument is invalid."""


class OutputError(GeocoupleError):
    """An output location cannot be written (exists and is not empty, not writable)."""


class GeocoupleWarning(UserWarning):
    """Something the user should know about that does not stop the run."""


def listing(items, limit: int = 8) -> str:
    """Render items as ``a, b, c (and 4 more)`` for one-line messages."""
    items = [str(i) for i in items]
    head = ", ".join(items[:limit])
    if len(items) > limit:
        head += f" (and {len(items) - limit} more)"
    return head
