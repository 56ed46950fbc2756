/*
 * Security Posture: catalog snapshot, latest posture, history, findings, ownership
 * and provider state.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('catalog_entities', table => {
    table.comment(
      'The catalog entities the plugin scores or rolls up, with the hierarchy used for roll-ups',
    );
    table.increments('id').primary();
    table
      .string('entity_ref', 512)
      .notNullable()
      .unique({ indexName: 'catalog_entities_ref_uq' })
      .comment('kind:namespace/name, lower case');
    table.string('kind', 64).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.string('title', 512).nullable();
    table.string('type', 128).nullable().comment('spec.type');
    table.string('lifecycle', 128).nullable().comment('spec.lifecycle');
    table
      .string('owner_ref', 512)
      .nullable()
      .comment('ownedBy relation target');
    table
      .string('system_ref', 512)
      .nullable()
      .comment('partOf relation to a System');
    table
      .string('domain_ref', 512)
      .nullable()
      .comment('partOf relation to a Domain (System or sub-domain)');
    table
      .string('parent_ref', 512)
      .nullable()
      .comment('childOf relation of a Group');
    table
      .boolean('scanned')
      .notNullable()
      .defaultTo(false)
      .comment('Resources are assessed for this entity (a provider applies)');
    table.timestamp('seen_at', { useTz: true }).notNullable();
    table
      .timestamp('removed_at', { useTz: true })
      .nullable()
      .comment('Set when the entity left the catalog');
    table.index(['kind'], 'catalog_entities_kind_idx');
    table.index(['owner_ref'], 'catalog_entities_owner_idx');
    table.index(['parent_ref'], 'catalog_entities_parent_idx');
    table.index(['system_ref'], 'catalog_entities_system_idx');
  });

  await knex.schema.createTable('entity_posture', table => {
    table.comment(
      'Latest posture per entity and roll-up (what pages and leaderboards read)',
    );
    table
      .integer('entity_id')
      .unsigned()
      .primary()
      .references('id')
      .inTable('catalog_entities')
      .onDelete('CASCADE');
    table.boolean('is_rollup').notNullable().defaultTo(false);
    table.string('status', 16).notNullable().comment('ok | partial');
    table.text('status_reasons').notNullable().defaultTo('[]');
    table.timestamp('stale_since', { useTz: true }).nullable();
    table
      .timestamp('last_scan_at', { useTz: true })
      .nullable()
      .comment('When the results shown were computed');
    table.string('last_scan_id', 36).nullable();
    table.double('earned').notNullable().defaultTo(0);
    table.double('possible').notNullable().defaultTo(0);
    table.double('percent').nullable();
    table.double('adjusted_earned').notNullable().defaultTo(0);
    table.double('adjusted_percent').nullable();
    table.double('coverage').nullable();
    table.double('coverage_evidenced').notNullable().defaultTo(0);
    table.double('coverage_applicable').notNullable().defaultTo(0);
    table.text('categories_json').notNullable();
    table.text('controls_json').notNullable();
    table.text('points_json').notNullable();
    table.text('exemptions_json').notNullable();
    table.integer('critical').notNullable().defaultTo(0);
    table.integer('high').notNullable().defaultTo(0);
    table.integer('medium').notNullable().defaultTo(0);
    table.integer('low').notNullable().defaultTo(0);
    table.integer('resource_count').notNullable().defaultTo(0);
    table.integer('member_count').notNullable().defaultTo(0);
    table.string('model_version', 64).nullable();
    table
      .string('input_hash', 64)
      .nullable()
      .comment('Hash of the inputs; an unchanged input is not re-assessed');
    table.double('delta_7d').nullable();
    table.double('delta_30d').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['is_rollup', 'percent'], 'entity_posture_rank_idx');
  });

  await knex.schema.createTable('posture_snapshots', table => {
    table.comment(
      'Append-only score history: one row per entity when its posture changed (at most one per scan)',
    );
    table.bigIncrements('id').primary();
    table.integer('entity_id').unsigned().notNullable();
    table.string('scan_id', 36).notNullable();
    table.timestamp('taken_at', { useTz: true }).notNullable();
    table.string('status', 16).notNullable();
    table.double('earned').notNullable();
    table.double('possible').notNullable();
    table.double('percent').nullable();
    table.double('adjusted_earned').notNullable();
    table.double('adjusted_percent').nullable();
    table.text('categories_json').notNullable();
    table.string('model_version', 64).nullable();
    table.unique(['entity_id', 'scan_id'], {
      indexName: 'posture_snapshots_scan_uq',
    });
    table.index(['entity_id', 'taken_at'], 'posture_snapshots_entity_idx');
    table.index(['taken_at'], 'posture_snapshots_taken_idx');
  });

  await knex.schema.createTable('posture_daily', table => {
    table.comment('Daily roll-up of the score history (long ranges, trends)');
    table.integer('entity_id').unsigned().notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table.double('earned').notNullable();
    table.double('possible').notNullable();
    table.double('percent').nullable();
    table.double('adjusted_percent').nullable();
    table.double('min_percent').nullable();
    table.double('max_percent').nullable();
    table.text('categories_json').notNullable();
    table.string('model_version', 64).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_id', 'day'], 'posture_daily_pk');
    table.index(['day'], 'posture_daily_day_idx');
  });

  await knex.schema.createTable('findings', table => {
    table.comment(
      'Failing (or formerly failing) check results per entity, with their lifecycle',
    );
    table.bigIncrements('id').primary();
    table.integer('entity_id').unsigned().notNullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('sha256 of check id and resource uid');
    table.string('check_id', 255).notNullable();
    table.text('resource_uid').notNullable();
    table.text('resource_json').notNullable();
    table.string('severity', 16).notNullable();
    table.smallint('severity_rank').notNullable();
    table.string('category', 32).notNullable();
    table.string('control', 128).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('open | exempted | error | resolved');
    table.text('title').notNullable();
    table.text('message').notNullable();
    table.text('evidence_json').notNullable();
    table.text('remediation_json').notNullable();
    table.text('exemption_json').nullable();
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.string('last_scan_id', 36).notNullable();
    table.unique(['entity_id', 'fingerprint'], {
      indexName: 'findings_entity_fingerprint_uq',
    });
    table.index(
      ['entity_id', 'status', 'severity_rank', 'id'],
      'findings_entity_status_idx',
    );
    table.index(['status', 'resolved_at'], 'findings_resolved_idx');
  });

  await knex.schema.createTable('entity_resources', table => {
    table.comment('Which resources each entity owns, as of its last scan');
    table.integer('entity_id').unsigned().notNullable();
    table.string('uid_hash', 64).notNullable().comment('sha256 of the uid');
    table.text('uid').notNullable();
    table.string('provider', 64).notNullable();
    table.string('type', 64).notNullable();
    table.string('kind', 128).notNullable();
    table.text('name').notNullable();
    table.string('namespace', 255).nullable();
    table.text('address').nullable();
    table.text('source').nullable();
    table.string('content_hash', 64).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['entity_id', 'uid_hash'], 'entity_resources_pk');
    table.index(['uid_hash'], 'entity_resources_uid_idx');
  });

  await knex.schema.createTable('unowned_resources', table => {
    table.comment(
      'Resources a provider saw that the reporter (entity or provider) does not claim; unowned unless in entity_resources',
    );
    table.string('uid_hash', 64).notNullable();
    table
      .string('reporter', 512)
      .notNullable()
      .comment('Entity ref whose sources held it, or provider:<id>');
    table.text('uid').notNullable();
    table.string('provider', 64).notNullable();
    table.string('type', 64).notNullable();
    table.string('kind', 128).notNullable();
    table.text('name').notNullable();
    table.string('namespace', 255).nullable();
    table.text('location').nullable();
    table
      .string('team_ref', 512)
      .nullable()
      .comment('Group whose sources held it (ownership coverage)');
    table.string('shard', 32).nullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['uid_hash', 'reporter'], 'unowned_resources_pk');
    table.index(['reporter'], 'unowned_resources_reporter_idx');
    table.index(['team_ref'], 'unowned_resources_team_idx');
  });

  await knex.schema.createTable('entity_provider_state', table => {
    table.comment(
      'Per entity and provider: last accepted result, failures and quarantine',
    );
    table.integer('entity_id').unsigned().notNullable();
    table.string('provider', 64).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('ok | failed | quarantined');
    table.integer('resource_count').notNullable().defaultTo(0);
    table.integer('pending_count').nullable();
    table.integer('pending_scans').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_id', 'provider'], 'entity_provider_state_pk');
  });

  await knex.schema.createTable('provider_state', table => {
    table.comment(
      'Per provider and shard: resource count of the last accepted scan, quarantine',
    );
    table.string('provider', 64).notNullable();
    table.string('shard', 32).notNullable();
    table.integer('last_count').notNullable().defaultTo(0);
    table.integer('pending_count').nullable();
    table.integer('pending_scans').notNullable().defaultTo(0);
    table.timestamp('quarantined_since', { useTz: true }).nullable();
    table.text('error').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['provider', 'shard'], 'provider_state_pk');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provider_state');
  await knex.schema.dropTable('entity_provider_state');
  await knex.schema.dropTable('unowned_resources');
  await knex.schema.dropTable('entity_resources');
  await knex.schema.dropTable('findings');
  await knex.schema.dropTable('posture_daily');
  await knex.schema.dropTable('posture_snapshots');
  await knex.schema.dropTable('entity_posture');
  await knex.schema.dropTable('catalog_entities');
};
