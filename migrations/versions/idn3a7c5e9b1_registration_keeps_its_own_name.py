"""registration: each registration keeps the name it was made with

An anonymous registration with a known email used to rename the person on all their
earlier registrations; the name now lives on the registration, filled in here from the
person for every registration made so far.

Revision ID: idn3a7c5e9b1
Revises: out1b0x2c3d4e
Create Date: 2026-12-04 04:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'idn3a7c5e9b1'
down_revision = 'out1b0x2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('last_name', sa.String(length=100), server_default='', nullable=False))
    if op.get_bind().dialect.name == "postgresql":  # one join rather than two lookups per row
        op.execute("UPDATE registration SET first_name = person.first_name, last_name = person.last_name "
                   "FROM person WHERE person.id = registration.person_id")
    else:
        op.execute(
            "UPDATE registration SET "
            "first_name = (SELECT person.first_name FROM person WHERE person.id = registration.person_id), "
            "last_name = (SELECT person.last_name FROM person WHERE person.id = registration.person_id)"
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
