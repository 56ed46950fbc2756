/*
 * Security Posture: response and governance — what each scan changed per entity
 * (regressions), which findings their owners were notified of, and which
 * exemption expiry notices were sent.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('posture_changes', table => {
    table.comment(
      'What a scan changed for an entity: new failing and fixed findings, score change; regressions and their notification',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 512).notNullable();
    table.string('scan_id', 36).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table
      .string('owner_ref', 512)
      .nullable()
      .comment('Owner of the entity when the change was recorded');
    table.double('previous_percent').nullable();
    table.double('current_percent').nullable();
    table.double('previous_adjusted_percent').nullable();
    table.double('current_adjusted_percent').nullable();
    table
      .boolean('model_changed')
      .notNullable()
      .defaultTo(false)
      .comment('The scoring model differs from the previous result');
    table.integer('opened_count').notNullable().defaultTo(0);
    table.integer('resolved_count').notNullable().defaultTo(0);
    table.text('opened_json').notNullable().defaultTo('[]');
    table.text('resolved_json').notNullable().defaultTo('[]');
    table.boolean('regression').notNullable().defaultTo(false);
    table.text('reasons_json').notNullable().defaultTo('[]');
    table
      .string('notification', 32)
      .nullable()
      .comment(
        'sent | failed | opted-out | no-owner | already-notified; null when not a regression',
      );
    table.timestamp('notified_at', { useTz: true }).nullable();
    table.unique(['entity_ref', 'scan_id'], {
      indexName: 'posture_changes_scan_uq',
    });
    table.index(['entity_ref', 'at'], 'posture_changes_entity_idx');
    table.index(['regression', 'at'], 'posture_changes_regression_idx');
    table.index(['at'], 'posture_changes_at_idx');
  });

  await knex.schema.createTable('notified_findings', table => {
    table.comment(
      'Findings the owners were notified of: one row per occurrence (entity, finding, first seen), so nobody hears of the same finding twice',
    );
    table.string('entity_ref', 512).notNullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('sha256 of check id and resource uid (findings.fingerprint)');
    table
      .string('occurrence', 32)
      .notNullable()
      .comment(
        'first_seen of the finding (ISO); a finding that comes back after being resolved is a new occurrence',
      );
    table.bigInteger('change_id').nullable();
    table.timestamp('notified_at', { useTz: true }).notNullable();
    table.primary(
      ['entity_ref', 'fingerprint', 'occurrence'],
      'notified_findings_pk',
    );
    table.index(['notified_at'], 'notified_findings_at_idx');
  });

  await knex.schema.createTable('exemption_notices', table => {
    table.comment(
      'Notices sent to a team before one of its exemptions expires (once per exemption and team)',
    );
    table.string('team_ref', 512).notNullable();
    table
      .string('exemption_key', 64)
      .notNullable()
      .comment('sha256 of check, entity, resource, expiry and source');
    table.string('expires', 40).notNullable();
    table.string('status', 16).notNullable().comment('sent | failed');
    table.timestamp('notified_at', { useTz: true }).notNullable();
    table.primary(['team_ref', 'exemption_key'], 'exemption_notices_pk');
    table.index(['notified_at'], 'exemption_notices_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('exemption_notices');
  await knex.schema.dropTable('notified_findings');
  await knex.schema.dropTable('posture_changes');
};
