/**
 * `@nlkit/batch`: netlink requests compiled offline, loaded back, and
 * applied many per datagram — pyroute2's `IPBatch`, typed.
 *
 * - {@link Batch} has the request methods of `IPRoute` (`link`, `addr`,
 *   `route`, `rule`, `neigh`, `fdb`, `vlan`, and `tc`), built by the same
 *   `@nlkit/rtnl` and `@nlkit/tc` builders, appending to one buffer; it
 *   gives that buffer as bytes or as a pcap (Wireshark reads it) and loads
 *   from either. No socket, no root: it runs in browsers.
 * - {@link applyBatch} sends a batch through any `Transport` (a live socket
 *   of `@nlkit/live`, a recorder, a replay) and reports each request's
 *   outcome, errno and extended-ack message.
 *
 * ```ts
 * import { Batch, applyBatch } from '@nlkit/batch';
 * import { openNetlink } from '@nlkit/live';
 *
 * const batch = new Batch({ names: { eth0: 2 } });
 * for (let i = 0; i < 100_000; i++) batch.route('add', { dst: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`, oif: 'eth0' });
 * const report = await applyBatch(batch, openNetlink(), { onError: 'continue' });
 * console.log(report.ok, 'added,', report.failed, 'refused');
 * ```
 *
 * @packageDocumentation
 */
export { Batch, BatchFormatError, isCapture } from './batch.js';
export type { BatchOptions, BatchRequest, CaptureOptions, LoadOptions, TcCommand } from './batch.js';
export { ApplyReport, applyBatch } from './apply.js';
export type { ApplyOptions, ApplyProgress, Outcome, RequestFailure, StopReason } from './apply.js';
export { BATCH_COMMANDS, buildRequest } from './specs.js';
export type {
  BatchActionSpec, BatchAddrSpec, BatchChainSpec, BatchClassSpec, BatchFdbSpec, BatchFilterSpec, BatchLinkSpec, BatchNeighSpec, BatchObject,
  BatchQdiscSpec, BatchRouteSpec, BatchRuleSpec, BatchVlanSpec, BuiltRequest, DeviceNames, Iface, TcObject, WithDevices,
} from './specs.js';
export { describeRequest } from './describe.js';
export { routeFamily } from './family.js';
export type { RouteMessages } from './family.js';
