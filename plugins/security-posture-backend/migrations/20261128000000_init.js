/*
 * Security Posture: first schema — scan runs.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scan_runs', table => {
    table.comment(
      'One row per scan: what triggered it, its scope, its status and counts',
    );
    table.string('id', 36).primary().notNullable().comment('UUID of the scan');
    table
      .string('trigger', 32)
      .notNullable()
      .comment('schedule | manual | startup');
    table
      .string('scope', 512)
      .nullable()
      .comment('Entity ref when one entity was scanned, null for all');
    table
      .string('shard', 32)
      .nullable()
      .comment('Shard of a scheduled scan, e.g. 2/4; null for requested scans');
    table
      .string('status', 32)
      .notNullable()
      .comment('queued | running | succeeded | failed | aborted');
    table
      .string('requested_by', 512)
      .nullable()
      .comment('User or service that requested a manual scan');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('entity_count').notNullable().defaultTo(0);
    table.integer('resource_count').notNullable().defaultTo(0);
    table.integer('finding_count').notNullable().defaultTo(0);
    table.integer('error_count').notNullable().defaultTo(0);
    table.text('error').nullable().comment('Why the scan failed');
    table
      .text('errors_json')
      .nullable()
      .comment('JSON list of per-entity problems (capped)');
    table.index(['created_at'], 'scan_runs_created_at_idx');
    table.index(['status', 'created_at'], 'scan_runs_status_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scan_runs');
};
