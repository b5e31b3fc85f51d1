/**
 * `nlkit`: the whole toolkit behind one import. The everyday classes are at
 * the top level; every layer is also reachable as a namespace (`core`,
 * `rtnl`, `tc`, `transport`, `live`, `pcap`, `client`, `batch`, `ndb`).
 * Test helpers live in `nlkit/testing`.
 *
 * ```ts
 * import { IPRoute, NetlinkError } from 'nlkit';
 * const ipr = await IPRoute.open({ netns: 'lab' });
 * ```
 *
 * @packageDocumentation
 */
export { IPRoute } from '@nlkit/client';
export { Batch, applyBatch } from '@nlkit/batch';
export { NDB } from '@nlkit/ndb';
export { NetlinkChannel } from '@nlkit/transport';
export { openNetlink, withTempNetns, addNetns, deleteNetns, listNetns } from '@nlkit/live';
export { NetlinkError, NlDecodeError, NlEncodeError, decodeMessages, encodeMessage, toRaw, stringifyRaw } from '@nlkit/core';
export { rtnl } from '@nlkit/rtnl';
export { tc } from '@nlkit/tc';
export { readCapture, recordTransport, PcapWriter } from '@nlkit/pcap';

export * as core from '@nlkit/core';
export * as rtnlFamily from '@nlkit/rtnl';
export * as tcFamily from '@nlkit/tc';
export * as transport from '@nlkit/transport';
export * as live from '@nlkit/live';
export * as pcap from '@nlkit/pcap';
export * as client from '@nlkit/client';
export * as batch from '@nlkit/batch';
export * as ndb from '@nlkit/ndb';
