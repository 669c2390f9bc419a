"""reports: campaigns, indicators, contributions

Revision ID: 20261129_reports
Revises: 20261129_rgpd
Create Date: 2026-11-29 17:42:59.542339

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_reports'
down_revision = '20261129_rgpd'
branch_labels = None
depends_on = None

# The indicators of issue #17, in form order: (code, group, kind, label, definition). A frozen
# copy of network_space.reports.reference.INDICATORS at the time of this migration: later
# changes to that list must not change what this revision inserts.
INDICATORS = [
    ("operations_accompanied", "contracts", "number", "Opérations et marchés accompagnés",
     "Opérations ou marchés pour lesquels le facilitateur est intervenu dans l'année (conseil à l'acheteur, "
     "rédaction, suivi de l'exécution), qu'ils comportent ou non une clause."),
    ("contracts_with_clause", "contracts", "number", "Marchés comportant une clause sociale",
     "Marchés (ou lots) notifiés dans l'année avec une clause sociale d'insertion, tous mécanismes confondus."),
    ("contracts_notified", "contracts", "number", "Marchés notifiés par les acheteurs suivis",
     "Ensemble des marchés notifiés dans l'année par les acheteurs que vous accompagnez, avec ou sans clause : "
     "il sert à calculer la part de marchés comportant une considération sociale (objectif PNAD : 30 %)."),
    ("companies_with_clause", "contracts", "number", "Entreprises attributaires d'une clause",
     "Entreprises différentes titulaires d'au moins un marché avec clause en cours d'exécution dans l'année."),
    ("clause_execution", "mechanisms", "number", "Condition d'exécution (art. L2112-2 CCP)",
     "Marchés où l'insertion est une condition d'exécution : l'entreprise réalise un nombre d'heures d'insertion."),
    ("clause_reserved_siae", "mechanisms", "number", "Marché réservé SIAE (art. L2113-13 CCP)",
     "Marchés ou lots réservés aux structures d'insertion par l'activité économique."),
    ("clause_reserved_ea_esat", "mechanisms", "number", "Marché réservé EA / ESAT (art. L2113-12 CCP)",
     "Marchés ou lots réservés aux entreprises adaptées et aux établissements et services d'aide par le travail."),
    ("clause_award_criterion", "mechanisms", "number", "Critère d'attribution",
     "Marchés où la performance en matière d'insertion professionnelle est un critère de choix des offres."),
    ("clause_insertion_contract", "mechanisms", "number", "Marché d'insertion et de qualification",
     "Marchés de services dont l'objet même est l'insertion et la qualification professionnelle (art. R2123-1 CCP)."),
    ("buyers_state", "buyers", "number", "État et ses établissements",
     "Services de l'État et établissements publics de l'État accompagnés dans l'année."),
    ("buyers_departement", "buyers", "number", "Département",
     "Services du Département accompagnés dans l'année (chaque direction acheteuse compte pour un)."),
    ("buyers_communes", "buyers", "number", "Communes et EPCI",
     "Communes, intercommunalités et leurs syndicats accompagnés dans l'année."),
    ("buyers_social_housing", "buyers", "number", "Bailleurs sociaux",
     "Organismes de logement social accompagnés dans l'année."),
    ("buyers_hospitals", "buyers", "number", "Hôpitaux et établissements publics",
     "Hôpitaux, établissements publics locaux et autres acheteurs publics accompagnés dans l'année."),
    ("buyers_private", "buyers", "number", "Entreprises privées",
     "Donneurs d'ordre privés accompagnés dans une démarche volontaire."),
    ("sector_construction", "sectors", "number", "Bâtiment et travaux publics",
     "Marchés avec clause du secteur du bâtiment et des travaux publics."),
    ("sector_cleaning", "sectors", "number", "Propreté",
     "Marchés avec clause de nettoyage et de propreté."),
    ("sector_green_spaces", "sectors", "number", "Espaces verts",
     "Marchés avec clause d'entretien et de création d'espaces verts."),
    ("sector_catering", "sectors", "number", "Restauration",
     "Marchés avec clause de restauration collective."),
    ("sector_services", "sectors", "number", "Services",
     "Marchés avec clause de services (accueil, gardiennage, collecte, transport…)."),
    ("sector_digital", "sectors", "number", "Numérique",
     "Marchés avec clause du numérique (informatique, télécommunications)."),
    ("sector_other", "sectors", "number", "Autres secteurs",
     "Marchés avec clause d'un autre secteur."),
    ("hours_planned", "hours", "number", "Heures d'insertion prévues",
     "Heures d'insertion inscrites dans les marchés en cours d'exécution dans l'année."),
    ("hours_achieved", "hours", "number", "Heures d'insertion réalisées",
     "Heures de travail réellement effectuées par des personnes en insertion dans l'année. "
     "Équivalent temps plein : heures / 1 607."),
    ("participants", "people", "number", "Participants",
     "Personnes différentes ayant travaillé au titre d'une clause dans l'année (une personne compte une fois)."),
    ("employment_contracts", "people", "number", "Contrats de travail",
     "Contrats de travail signés au titre des clauses dans l'année (une personne peut en avoir plusieurs)."),
    ("women", "people", "number", "dont femmes",
     "Parmi les participants, les femmes."),
    ("public_long_term_jobseekers", "publics", "number", "Demandeurs d'emploi de longue durée",
     "Participants inscrits à France Travail depuis plus de 12 mois dans les 18 derniers mois."),
    ("public_rsa", "publics", "number", "Allocataires du RSA et des minima sociaux",
     "Participants allocataires du RSA, de l'ASS, de l'AAH ou d'un autre minimum social."),
    ("public_young", "publics", "number", "Jeunes de moins de 26 ans peu qualifiés",
     "Participants de moins de 26 ans sans diplôme ou d'un niveau inférieur au CAP / BEP."),
    ("public_disabled", "publics", "number", "Travailleurs handicapés",
     "Participants bénéficiaires de l'obligation d'emploi (RQTH…)."),
    ("public_seniors", "publics", "number", "Seniors de 50 ans et plus",
     "Participants âgés de 50 ans et plus demandeurs d'emploi."),
    ("public_qpv", "publics", "number", "Résidents des quartiers prioritaires",
     "Participants résidant dans un quartier prioritaire de la politique de la ville (QPV)."),
    ("route_direct_hire", "routes", "number", "Embauche directe",
     "Participants embauchés directement par l'entreprise titulaire."),
    ("route_staff_provision", "routes", "number", "Mise à disposition (ETTI, AI, GEIQ)",
     "Participants mis à disposition de l'entreprise par une ETTI, une association intermédiaire ou un GEIQ."),
    ("route_siae_subcontracting", "routes", "number", "Sous-traitance ou co-traitance SIAE",
     "Participants salariés d'une SIAE sous-traitante ou co-traitante."),
    ("route_ea_esat", "routes", "number", "EA / ESAT",
     "Participants travaillant pour une entreprise adaptée ou un ESAT sous-traitant, co-traitant ou titulaire."),
    ("outcome_durable_job", "outcomes", "number", "Emploi durable",
     "Participants en CDI, CDD ou intérim de six mois et plus, ou créateurs d'entreprise, six mois après leur sortie."),
    ("outcome_transition_job", "outcomes", "number", "Emploi de transition",
     "Participants en CDD ou intérim de moins de six mois, contrat aidé ou SIAE, six mois après leur sortie."),
    ("outcome_training", "outcomes", "number", "Formation qualifiante",
     "Participants en formation qualifiante ou certifiante six mois après leur sortie."),
    ("outcome_other", "outcomes", "number", "Autre situation",
     "Participants sans emploi ni formation, ou dont la situation n'est pas connue, six mois après leur sortie."),
    ("highlights", "text", "text", "Faits marquants",
     "Ce qui a marqué l'année sur votre territoire : opérations, partenariats, réussites. Repris dans le bilan."),
    ("difficulties", "text", "text", "Difficultés rencontrées",
     "Freins rencontrés avec les acheteurs, les entreprises ou les publics."),
    ("priorities", "text", "text", "Priorités pour l'année suivante",
     "Ce que vous prévoyez de développer l'an prochain."),
]

indicator_table = sa.table("report_indicator", sa.column("code", sa.String), sa.column("label", sa.String),
                           sa.column("definition", sa.Text), sa.column("group", sa.String), sa.column("kind", sa.String),
                           sa.column("position", sa.Integer), sa.column("active", sa.Boolean))


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('report_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_report_indicator_code'))
    )
    op.bulk_insert(indicator_table, [dict(code=code, group=group, kind=kind, label=label, definition=definition,
                                          position=i * 10, active=True)
                                     for i, (code, group, kind, label, definition) in enumerate(INDICATORS, start=1)])
    op.create_table('report_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_report_campaign_opened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_report_campaign_resource_id_library_resource'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_campaign')),
    sa.UniqueConstraint('year', name=op.f('uq_report_campaign_year'))
    )
    op.create_table('report_campaign_territory',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['report_campaign.id'], name=op.f('fk_report_campaign_territory_campaign_id_report_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_report_campaign_territory_territory_id_territory'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'territory_id', name=op.f('pk_report_campaign_territory'))
    )
    op.create_table('report_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('confirmations', sa.JSON(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['report_campaign.id'], name=op.f('fk_report_contribution_campaign_id_report_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_report_contribution_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_report_contribution_structure_id_structure')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_report_contribution_submitted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_report_contribution_territory_id_territory')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_report_contribution_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_contribution')),
    sa.UniqueConstraint('campaign_id', 'territory_id', 'structure_id', name=op.f('uq_report_contribution_campaign_id_territory_id_structure_id'))
    )
    with op.batch_alter_table('report_contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_contribution_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_contribution_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_contribution_structure_id'), ['structure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_contribution_territory_id'), ['territory_id'], unique=False)

    op.create_table('report_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_report_change_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contribution_id'], ['report_contribution.id'], name=op.f('fk_report_change_contribution_id_report_contribution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_change'))
    )
    with op.batch_alter_table('report_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_change_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('report_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contribution_id'], ['report_contribution.id'], name=op.f('fk_report_value_contribution_id_report_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['report_indicator.id'], name=op.f('fk_report_value_indicator_id_report_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_value')),
    sa.UniqueConstraint('contribution_id', 'indicator_id', name=op.f('uq_report_value_contribution_id_indicator_id'))
    )
    with op.batch_alter_table('report_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_value_indicator_id'), ['indicator_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('report_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_value_indicator_id'))

    op.drop_table('report_value')
    with op.batch_alter_table('report_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_change_contribution_id'))

    op.drop_table('report_change')
    with op.batch_alter_table('report_contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_contribution_territory_id'))
        batch_op.drop_index(batch_op.f('ix_report_contribution_structure_id'))
        batch_op.drop_index(batch_op.f('ix_report_contribution_status'))
        batch_op.drop_index(batch_op.f('ix_report_contribution_campaign_id'))

    op.drop_table('report_contribution')
    op.drop_table('report_campaign_territory')
    op.drop_table('report_campaign')
    op.drop_table('report_indicator')
    # ### end Alembic commands ###
