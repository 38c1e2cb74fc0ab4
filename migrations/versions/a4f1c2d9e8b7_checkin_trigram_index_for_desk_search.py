"""checkin: a trigram index over the event's search keys for the desk's "contains" search (PostgreSQL)

Revision ID: a4f1c2d9e8b7
Revises: cc78ec92a084
Create Date: 2026-11-28 14:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4f1c2d9e8b7'
down_revision = 'cc78ec92a084'
branch_labels = None
depends_on = None

EXTENSIONS = ("pg_trgm", "btree_gin")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite reads the event's keys in full, as before
    for extension in EXTENSIONS:
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    op.create_index(
        'ix_registration_search_event_trigrams', 'registration_search', ['event_id', 'search_key'],
        unique=False, postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'},
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_registration_search_event_trigrams', table_name='registration_search')
    # The extensions stay: other objects in the database may use them.
