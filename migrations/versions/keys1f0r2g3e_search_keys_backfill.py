"""desk search keys for every registration (the desk no longer writes them on its GETs)

Revision ID: keys1f0r2g3e
Revises: files1j0b2s3
Create Date: 2026-12-04 18:45:00

Until now the desk page added the keys of registrations written in bulk (imports, restores) when
it was opened; the bulk writers now add them in their own transaction. This fills in the keys of
rows written before, whose desk was never opened.
"""
from alembic import op

from eventsapp.checkin.search import backfill_search_keys

# revision identifiers, used by Alembic.
revision = 'keys1f0r2g3e'
down_revision = 'files1j0b2s3'
branch_labels = None
depends_on = None


def upgrade():
    backfill_search_keys(op.get_bind())


def downgrade():
    pass  # the keys stay: they are what the listener would have written
