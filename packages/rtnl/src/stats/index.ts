/**
 * Link statistics (`RTM_*STATS`): `struct if_stats_msg`, `IFLA_STATS_*`,
 * offload and per-kind extended stats.
 *
 * @packageDocumentation
 */
export * from './schema.js';
