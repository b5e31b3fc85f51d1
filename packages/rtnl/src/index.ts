/**
 * @nlkit/rtnl: rtnetlink schemas, one folder per object family.
 *
 * @packageDocumentation
 */
export * from './link/schema.js';
export * from './addr/schema.js';
export * from './route/schema.js';
export * from './family.js';
