/**
 * @nlkit/rtnl: rtnetlink schemas, one folder per object family.
 *
 * @packageDocumentation
 */
export * from './link/index.js';
export * from './stats/index.js';
export * from './addr/schema.js';
export * from './route/schema.js';
export * from './route/codecs.js';
export * from './route/encap.js';
export * from './route/multipath.js';
export * from './rule/schema.js';
export * from './neigh/schema.js';
export * from './fdb/schema.js';
export * from './fdb/entry.js';
export * from './vlan/schema.js';
export * from './nsid/schema.js';
export * from './netconf/schema.js';
export * from './nexthop/schema.js';
export * from './addrlabel/schema.js';
export * from './mdb/schema.js';
export * from './mdb/codecs.js';
export * from './family.js';
export * from './addr/request.js';
export * from './link/request.js';
export * from './route/request.js';
export * from './rule/request.js';
export * from './neigh/request.js';
export * from './fdb/request.js';
export * from './vlan/request.js';
