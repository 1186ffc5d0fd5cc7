"""The archive database: models, migrations, the write and read sides. No Scrapy, no Twisted."""

from storage.archive import DEFAULT_DATABASE_URL, Archive
from storage.errors import ArchiveError, NotFound

__all__ = ["DEFAULT_DATABASE_URL", "Archive", "ArchiveError", "NotFound"]
