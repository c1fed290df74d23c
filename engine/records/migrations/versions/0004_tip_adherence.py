"""tip_adherence: per decision and shown tip whose condition held, whether it was followed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:45:00

Additive: a new table, empty after the upgrade. Rows are derived from the
stored decisions and tips (tips/adherence.py) the first time a closed round's
adherence is asked for, so no tips code runs inside the migration and rounds
stored before it get their adherence too.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'tip_adherence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('tick', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=200), nullable=False),
        sa.Column('worker', sa.String(length=200), nullable=False),
        sa.Column('followed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('tip_adherence', schema=None) as batch_op:
        batch_op.create_index('ix_tip_adherence_round_rule', ['round_id', 'rule'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tip_adherence', schema=None) as batch_op:
        batch_op.drop_index('ix_tip_adherence_round_rule')
    op.drop_table('tip_adherence')
