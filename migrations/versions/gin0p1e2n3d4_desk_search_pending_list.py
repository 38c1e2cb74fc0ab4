"""desk search: the trigram index's pending list capped at 64 kB (PostgreSQL)

Revision ID: gin0p1e2n3d4
Revises: api2s0u4r1c
Create Date: 2026-12-04 22:55:00

A GIN index first appends new entries to a pending list, which every search through the index
reads in full, until VACUUM or autoanalyze moves them into the index proper, or the list reaches
gin_pending_list_limit (4 MB by default). With autovacuum off or behind, each keystroke at the
door read up to 4 MB of new keys: on the bench's data a desk search's statement took 2.1 ms with
the list full and 0.6 ms after a VACUUM. Capped at 64 kB, the list is moved into the index every
few hundred registrations, by the insert that fills it.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'gin0p1e2n3d4'
down_revision = 'api2s0u4r1c'
branch_labels = None
depends_on = None

INDEX = 'ix_registration_search_event_trigrams'


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no trigram index
    op.execute(f"ALTER INDEX {INDEX} SET (gin_pending_list_limit = 64)")
    op.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")  # what is pending now, moved in


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {INDEX} RESET (gin_pending_list_limit)")
