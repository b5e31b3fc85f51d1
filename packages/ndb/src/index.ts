/**
 * `@nlkit/ndb`: a live, indexed, in-memory view of the network stack of
 * one or more namespaces (interfaces, addresses, routes of every table,
 * rules, neighbours, FDB), loaded by dumps and kept current by rtnetlink
 * events, resynchronised when events are lost; and transactions that
 * commit in dependency order, wait for the kernel to show each step, and
 * roll everything back when a step (or a commit hook) fails. pyroute2's
 * IPDB and NDB, without the threads, the SQLite or the memory.
 *
 * ```ts
 * import { NDB } from '@nlkit/ndb';
 *
 * await using db = await NDB.open({ netns: 'test' });
 * const eth0 = db.interfaces.get('eth0');
 * console.log(eth0?.ipaddr.ipv4, db.routes.get('default')?.gateway);
 *
 * const tx = db.begin();
 * const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge' });
 * br.addPort('eth1').addIp('10.0.0.1/24').up();
 * tx.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.254' });
 * console.log(String(tx.review()));
 * await tx.commit();
 * ```
 *
 * @packageDocumentation
 */
import './polyfill.js';

export { NDB, Sources } from './ndb.js';
export type { NdbOptions, SourceReport } from './ndb.js';
export { Source } from './source.js';
export type { SourceSpec, SourceStats } from './source.js';
export { View, Interfaces, Addresses, Routes, Rules, Neighbours, FdbEntries } from './views.js';
export type { AddrQuery, Family, FdbQuery, LinkQuery, NeighQuery, Pending, RouteQuery, RuleQuery } from './views.js';
export { Interface, IpAddrList, Address, Route, Rule, Neighbour, FdbEntry } from './records.js';
export type { AddrChange, CreateSpec, FdbAdd, IfaceRef, LinkChanges, NeighAdd, NextHop, RouteAdd, RouteChanges, RuleAdd } from './records.js';
export { Transaction } from './transaction.js';
export type { CommitHook, CommitOptions, CommitReport, HookContext, Review, ReviewEntry } from './transaction.js';
export { reachable } from './hooks.js';
export { EventQueue } from './events.js';
export type { ChangeEvent, EventOptions, LostEvent, NdbEvent, ResyncEvent } from './events.js';
export { CommitError, ReadOnlyError, SyncTimeoutError, TransactionError } from './errors.js';
export type { RollbackReport, RollbackStep } from './errors.js';
export { KINDS } from './kinds.js';
export type { ObjectKind } from './kinds.js';
