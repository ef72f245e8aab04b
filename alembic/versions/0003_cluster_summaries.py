"""cluster summaries (the item page's counts, made at re-score time) and the indexes that page
a cluster's ads in time order (the first of them replaces the plain index on ads.cluster_id)

Revision ID: 0003_cluster_summaries
Revises: 0002_throttles
Create Date: 2026-12-07 04:30:00
"""
from __future__ import annotations

import sqlalchemy as sa

import models.base
from alembic import op

revision = '0003_cluster_summaries'
down_revision = '0002_throttles'
branch_labels = None
depends_on = None

WHEN = sa.text("coalesce(posted_at, first_seen)")


def upgrade() -> None:
    op.create_table('cluster_summaries',
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('n_ads', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_cluster_summaries_cluster_id_clusters'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cluster_id', name=op.f('pk_cluster_summaries'))
    )
    op.create_index('ix_ads_cluster_when', 'ads', ['cluster_id', WHEN, 'id'], unique=False)
    op.create_index('ix_ads_cluster_name_when', 'ads', ['cluster_id', 'name', WHEN, 'id'], unique=False)
    op.drop_index('ix_ads_cluster_id', table_name='ads')


def downgrade() -> None:
    op.create_index('ix_ads_cluster_id', 'ads', ['cluster_id'], unique=False)
    op.drop_index('ix_ads_cluster_name_when', table_name='ads')
    op.drop_index('ix_ads_cluster_when', table_name='ads')
    op.drop_table('cluster_summaries')
