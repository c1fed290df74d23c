"""rounds: content_hash, so a round imported twice (from any file) is stored once

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:00:00

Additive: existing rounds get NULL and are hashed from their stored decisions
the next time a trace is imported (engine/records/imports.py), so no engine
code runs inside the migration. NULLs do not collide in a unique index.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_rounds_content_hash', ['content_hash'])


def downgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rounds_content_hash', type_='unique')
        batch_op.drop_column('content_hash')
