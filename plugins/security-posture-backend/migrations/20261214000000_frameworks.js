/*
 * Security Posture: compliance per framework control, kept with the latest
 * posture of every entity and roll-up (what the team page and the framework
 * report read).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('entity_posture', table => {
    table
      .text('frameworks_json')
      .nullable()
      .comment(
        'Per framework and framework control: what the mapped checks did (pass/fail/exempted/error flags) and which failed; merged over the members for roll-ups',
      );
  });
  // Results stored before this column existed have no framework data: make the
  // next scan re-assess every entity (it skips those whose inputs are unchanged).
  await knex('entity_posture').update({ input_hash: null });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('entity_posture', table => {
    table.dropColumn('frameworks_json');
  });
};
