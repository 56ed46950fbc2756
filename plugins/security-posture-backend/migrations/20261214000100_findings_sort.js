/*
 * Security Posture: a sort key for the resource of a finding (kind, namespace
 * and name, as the findings table shows it), so findings can be sorted and
 * paged by resource on the server.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('findings', table => {
    table
      .text('resource_sort')
      .notNullable()
      .defaultTo('')
      .comment(
        'Lower-case "<kind> <namespace>/<name>" of the resource (sorting by resource)',
      );
  });
  // Existing rows: the same key, read from the resource JSON.
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      UPDATE findings SET resource_sort = lower(
        coalesce(resource_json::json->>'kind', '') || ' ' ||
        coalesce((resource_json::json->>'namespace') || '/', '') ||
        coalesce(resource_json::json->>'name', resource_uid)
      )`);
  } else {
    await knex.raw(`
      UPDATE findings SET resource_sort = lower(
        coalesce(json_extract(resource_json, '$.kind'), '') || ' ' ||
        coalesce(json_extract(resource_json, '$.namespace') || '/', '') ||
        coalesce(json_extract(resource_json, '$.name'), resource_uid)
      )`);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('findings', table => {
    table.dropColumn('resource_sort');
  });
};
