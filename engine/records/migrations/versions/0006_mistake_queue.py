"""mistake_queue and drill_attempts: a trainee's own mistakes, queued for drills

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:50:00

Additive: two new tables, empty after the upgrade. A round stored before it
joins the queue when its trainee opens its review (the queue is filled from
the stored decisions' verdicts, engine/records/drills.py, and tagged by the
app), so no scoring runs inside the migration.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'mistake_queue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('tick', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=20), nullable=False),
        sa.Column('regret', sa.Double(), nullable=False),
        sa.Column('worker', sa.String(length=200), nullable=False),
        sa.Column('rule', sa.String(length=200), nullable=False),
        sa.Column('rule_text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('interval_hours', sa.Double(), nullable=False),
        sa.Column('streak', sa.Integer(), nullable=False),
        sa.Column('reps', sa.Integer(), nullable=False),
        sa.Column('lapses', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id']),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'tick'),
    )
    with op.batch_alter_table('mistake_queue', schema=None) as batch_op:
        batch_op.create_index('ix_mistake_queue_person_due', ['person_id', 'due_at'], unique=False)
    op.create_table(
        'drill_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.Column('regret', sa.Double(), nullable=True),
        sa.Column('fresh', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['mistake_queue.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('drill_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_drill_attempts_person_at', ['person_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_attempts_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('drill_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_attempts_item_id'))
        batch_op.drop_index('ix_drill_attempts_person_at')
    op.drop_table('drill_attempts')
    with op.batch_alter_table('mistake_queue', schema=None) as batch_op:
        batch_op.drop_index('ix_mistake_queue_person_due')
    op.drop_table('mistake_queue')
