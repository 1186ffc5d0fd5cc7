"""URL keys that never merge distinct URLs: re-key the archive with the new url_key.

The old key decoded and re-encoded whole paths and queries, so ``/caf%E9`` and ``/caf%E8``
(Latin-1 escapes, both U+FFFD once decoded), ``/a%2Fb`` and ``/a/b``, ``?q=a+b`` and
``?q=a%20b`` shared a key. The key now normalises only as RFC 3986 §6.2.2 allows (see
storage.urls). Keys differ only for addresses with such escapes, encoded characters in a
query, or dot segments; storage.rekey recomputes them, never merging two articles (an
article whose new key another holds keeps its old one, counted in the log), and detaches
aliases that only the old key had filed under another address's article.

Data only: no schema change. Downgrade keeps the new keys: the old function is gone, and
the rows stay valid (an older release would file re-fetched addresses with such escapes
under new articles).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.rekey import rekey

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    rekey(op.get_bind())


def downgrade() -> None:
    pass  # see the module docstring: the new keys stay
