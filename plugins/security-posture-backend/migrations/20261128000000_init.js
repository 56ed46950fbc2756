/*
 * Security Posture: first schema — scan runs.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scan_runs', table => {
    table.comment('One row per scan: what triggered it, its scope and outcome');
    table.string('id', 36).primary().notNullable().comment('UUID of the scan');
    table
      .string('trigger', 32)
      .notNullable()
      .comment('schedule | manual | startup');
    table
      .string('scope', 255)
      .nullable()
      .comment('Entity ref when one entity was scanned, null for all');
    table
      .string('status', 32)
      .notNullable()
      .comment('running | succeeded | failed | aborted');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.text('error').nullable();
    table.index(['started_at'], 'scan_runs_started_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scan_runs');
};
