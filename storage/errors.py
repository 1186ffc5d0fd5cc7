"""Errors the archive API raises; the command line turns each into a one-line message."""


class ArchiveError(Exception):
    """Something the caller can act on: a bad argument, an unreachable database."""


class NotFound(ArchiveError):
    """An unknown URL, version or source."""
