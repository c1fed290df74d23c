"""rounds: who decided (policy) and an abandoned flag for rounds closed after a crash

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:40:00

Rounds stored before this revision were all played by people and none was
closed unfinished, so the server defaults describe them correctly.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy', sa.String(length=50), nullable=False, server_default='human'))
        batch_op.add_column(sa.Column('abandoned', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('abandoned')
        batch_op.drop_column('policy')
