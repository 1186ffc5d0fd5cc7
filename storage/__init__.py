"""The archive database: models, migrations, the write and read sides. No Scrapy, no Twisted.

``Archive`` is imported on first use: the extraction workers use this package's plain records
(storage.content, storage.records, storage.outcomes) and need none of SQLAlchemy or Alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage.errors import ArchiveError, NotFound

if TYPE_CHECKING:
    from storage.archive import DEFAULT_DATABASE_URL, Archive

__all__ = ["DEFAULT_DATABASE_URL", "Archive", "ArchiveError", "NotFound"]
_LAZY = ("Archive", "DEFAULT_DATABASE_URL")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from storage import archive  # noqa: PLC0415  (heavy: imported when first asked for)

        return getattr(archive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
