"""studies, study_participants and fixed_tips

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00

Additive: three new tables, empty after the upgrade. Studies hold a
researcher's arms, scenario sequence and consent text; participants are the
pseudonymous codes and the arm each was allocated. Fixed tips move from a
JSON file in one user's config folder into the records, so every seat on the
same database sees them: tips/fixed.py imports a seat's old file once, at
run time (the file is keyed by the database URL, which a migration cannot
match reliably).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'studies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('conditions', sa.JSON(), nullable=False),
        sa.Column('sequence', sa.JSON(), nullable=False),
        sa.Column('post_test', sa.String(length=200), nullable=True),
        sa.Column('consent', sa.Text(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'study_participants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.Integer(), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('condition', sa.String(length=100), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('joined_at', sa.DateTime(), nullable=True),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('dropped_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['study_id'], ['studies.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('person_id'),
        sa.UniqueConstraint('study_id', 'slot'),
    )
    with op.batch_alter_table('study_participants', schema=None) as batch_op:
        batch_op.create_index('ix_study_participants_study_id', ['study_id'], unique=False)
    op.create_table(
        'fixed_tips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scenario_hash', sa.String(length=64), nullable=False),
        sa.Column('scenario_key', sa.String(length=200), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('scenario_hash', 'slot'),
    )


def downgrade() -> None:
    op.drop_table('fixed_tips')
    with op.batch_alter_table('study_participants', schema=None) as batch_op:
        batch_op.drop_index('ix_study_participants_study_id')
    op.drop_table('study_participants')
    op.drop_table('studies')
