/*
 * Security Posture: inventory listings shared by the shards of a scan interval.
 * With several shards, the first shard task that needs a provider's listing
 * claims it (a lease on one row per provider), lists the provider once and writes
 * the resources, already resolved to their owners and split by shard; the other
 * shard tasks of the interval, on any replica, read their part.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('provider_listings', table => {
    table.comment(
      'The current inventory listing of each provider (per shard count): who lists it under a lease, or its outcome',
    );
    table.string('provider', 64).notNullable();
    table
      .integer('shards')
      .notNullable()
      .comment('Shard count the listing is split for');
    table.string('listing_id', 36).notNullable();
    table
      .string('previous_listing_id', 36)
      .nullable()
      .comment(
        'Kept until the next listing is done, for shards still reading it',
      );
    table.string('status', 16).notNullable().comment('listing | done | failed');
    table
      .integer('version')
      .notNullable()
      .defaultTo(0)
      .comment('Incremented by every write; claims compare and swap on it');
    table.string('holder', 64).nullable().comment('Scan id that lists it');
    table.timestamp('lease_until', { useTz: true }).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('resource_count').nullable();
    table.text('error').nullable();
    table.primary(['provider', 'shards'], 'provider_listings_pk');
  });

  await knex.schema.createTable('provider_listing_items', table => {
    table.comment(
      'Resources of a listing, resolved to their owners: gzip JSON chunks per shard',
    );
    table.bigIncrements('id').primary();
    table.string('provider', 64).notNullable();
    table.integer('shards').notNullable();
    table.string('listing_id', 36).notNullable();
    table.integer('shard').notNullable();
    table.integer('item_count').notNullable();
    table.binary('payload').notNullable();
    table.index(['listing_id', 'shard'], 'provider_listing_items_shard_idx');
    table.index(['provider', 'shards'], 'provider_listing_items_provider_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provider_listing_items');
  await knex.schema.dropTable('provider_listings');
};
