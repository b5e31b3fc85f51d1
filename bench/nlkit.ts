/**
 * nlkit's side of the dump and write benchmarks, through public APIs only:
 * `openNetlink` (@nlkit/live), `NetlinkChannel` (@nlkit/transport), the
 * `rtnl` family (@nlkit/rtnl), the codec (@nlkit/core) and `Batch` /
 * `applyBatch` (@nlkit/batch).
 */
import {
  NLM_F,
  NLMSG,
  MessageList,
  encodeMessage,
  messageSize,
  throwIfError,
  writeMessage,
  viewMessages,
  type MessageView,
} from '@nlkit/core';
import { Batch, applyBatch } from '@nlkit/batch';
import { openNetlink, type LiveTransport } from '@nlkit/live';
import { rtnl } from '@nlkit/rtnl';
import { NetlinkChannel, isOverrun } from '@nlkit/transport';
import { addDst, dotted, routeAddRequest } from './floor.js';

type Rtnl = typeof rtnl;
const RTM_NEWROUTE = 24;

/** Sum of string lengths read, so no read can be optimised away. */
export let checksum = 0;

function touch(dst: unknown, gateway: unknown): void {
  if (typeof dst === 'string') checksum += dst.length;
  if (typeof gateway === 'string') checksum += gateway.length;
}

/** A channel over a fresh socket; `receiveThread: false` keeps every read on the main thread. */
export function channel(receiveThread = true): NetlinkChannel<Rtnl> {
  return new NetlinkChannel(openNetlink({ receiveThread }), rtnl);
}

/**
 * `getRoutes` as lazy typed views, the way `getRoutes` dumps: the whole dump
 * collected by `NetlinkChannel.dumpAll` (no await per message), then every
 * route's `dst` and `gateway` read with `MessageView.get`; the views are kept.
 */
export async function dumpLazy(ch: NetlinkChannel<Rtnl>, touchAttrs: boolean): Promise<MessageView<Rtnl>[]> {
  const all = await ch.dumpAll({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: true });
  const out: MessageView<Rtnl>[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i]!;
    if (m.type !== RTM_NEWROUTE) continue;
    if (touchAttrs) touch(m.get('dst'), m.get('gateway'));
    out.push(m);
  }
  return out;
}

/**
 * The same typed objects, read as they come: `NetlinkChannel.dumpBatches`
 * hands over each datagram's routes as lazy views (one `await` per
 * datagram), and every route's `dst` and `gateway` is read before the next
 * batch. Reading while the dump runs is what lets the live transport's
 * receive thread (which takes over long dumps) overlap the kernel's work
 * with this one's. The batches are kept as they come and the routes put in
 * one array at the end, as docs/getting-started.md advises: an array that
 * grows a route at a time while the dump runs is large, so old, and every
 * young view stored into it is a slot the scavenger must visit
 * ({@link dumpLazyStreamedPush}).
 */
export async function dumpLazyStreamed(ch: NetlinkChannel<Rtnl>): Promise<MessageView<Rtnl>[]> {
  const batches: MessageView<Rtnl>[][] = [];
  let routes = 0;
  let messages = 0;
  for await (const batch of ch.dumpBatches({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: true })) {
    for (let i = 0; i < batch.length; i++) if (readRoute(batch[i]!)) routes++;
    messages += batch.length;
    batches.push(batch);
  }
  const out = new Array<MessageView<Rtnl>>(routes);
  let k = 0;
  // The reads above found routes only (a route dump's batches hold nothing
  // else): copied as they are. Reading each view's type again here would
  // fetch every message's bytes back into the cache (~0.09 µs per route).
  if (routes === messages) for (const batch of batches) for (let i = 0; i < batch.length; i++) out[k++] = batch[i]!;
  else for (const batch of batches) for (let i = 0; i < batch.length; i++) if (batch[i]!.type === RTM_NEWROUTE) out[k++] = batch[i]!;
  return out;
}

/** {@link dumpLazyStreamed} with each route pushed into one array as it is read, the batches dropped. */
export async function dumpLazyStreamedPush(ch: NetlinkChannel<Rtnl>): Promise<MessageView<Rtnl>[]> {
  const out: MessageView<Rtnl>[] = [];
  for await (const batch of ch.dumpBatches({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: true })) {
    for (let i = 0; i < batch.length; i++) if (readRoute(batch[i]!)) out.push(batch[i]!);
  }
  return out;
}

/** Reads `dst` and `gateway` of a route; false for any other message of the dump. */
function readRoute(m: MessageView<Rtnl>): boolean {
  if (m.type !== RTM_NEWROUTE) return false;
  touch(m.get('dst'), m.get('gateway'));
  return true;
}

/**
 * The same typed objects held as `MessageList`s (`lazy: 'list'`): each
 * datagram's routes arrive as a list (the datagram plus an offset per
 * route), every route's `dst` and `gateway` is read through a view made as
 * the list is iterated, and the lists are joined into one at the end
 * (`MessageList.concat`, no route copied). What is held is the datagrams
 * and the offsets; a view is made when a route is asked for.
 */
export async function dumpListStreamed(ch: NetlinkChannel<Rtnl>): Promise<MessageList<Rtnl>> {
  const kept: MessageList<Rtnl>[] = [];
  for await (const list of ch.dumpBatches({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: 'list' })) {
    for (const m of list) {
      if (m.type !== RTM_NEWROUTE) continue;
      touch(m.get('dst'), m.get('gateway'));
    }
    kept.push(list);
  }
  return MessageList.concat(rtnl, kept);
}

/** The whole dump as one `MessageList` (`dumpAll` with `lazy: 'list'`), then, when `touchAttrs`, every route's `dst` and `gateway` read. */
export async function dumpList(ch: NetlinkChannel<Rtnl>, touchAttrs: boolean): Promise<MessageList<Rtnl>> {
  const list = await ch.dumpAll({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: 'list' });
  if (touchAttrs) {
    for (const m of list) {
      if (m.type !== RTM_NEWROUTE) continue;
      touch(m.get('dst'), m.get('gateway'));
    }
  }
  return list;
}

/** The same through the streaming `for await` over `NetlinkChannel.dump` (one hand-off per message). */
export async function dumpLazyIterated(ch: NetlinkChannel<Rtnl>): Promise<MessageView<Rtnl>[]> {
  const out: MessageView<Rtnl>[] = [];
  for await (const m of ch.dump({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: true })) {
    if (m.type !== RTM_NEWROUTE) continue;
    touch(m.get('dst'), m.get('gateway'));
    out.push(m);
  }
  return out;
}

/** The same as decoded objects (eager decode of every message); kept. */
export async function dumpEager(ch: NetlinkChannel<Rtnl>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const m of ch.dump({ name: 'RTM_GETROUTE', header: { family: 2 } })) {
    if (m.name !== 'RTM_NEWROUTE') continue;
    touch(m.attrs.dst, m.attrs.gateway);
    out.push(m);
  }
  return out;
}

/**
 * Diagnostic, not a product path: the live transport and the codec's lazy
 * views with no protocol engine in between (one `await` per datagram, not
 * per message). The difference to {@link dumpLazy} is what the engine's
 * per-message delivery costs.
 */
export async function dumpTransportViews(t: LiveTransport, seq: number): Promise<MessageView<Rtnl>[]> {
  const out: MessageView<Rtnl>[] = [];
  await t.send(encodeMessage(rtnl, { name: 'RTM_GETROUTE', flags: NLM_F.REQUEST | NLM_F.DUMP, seq, header: { family: 2 } }));
  for await (const d of t.receive()) {
    if (isOverrun(d)) throw new Error('overrun');
    for (const m of viewMessages(rtnl, d.bytes)) {
      const type = m.type;
      if (type === NLMSG.DONE) return out;
      if (type === NLMSG.ERROR) throwIfError(rtnl, m);
      if (type !== RTM_NEWROUTE) continue;
      touch(m.get('dst'), m.get('gateway'));
      out.push(m);
    }
  }
  throw new Error('the transport ended before NLMSG_DONE');
}

// ---------------------------------------------------------------------------
// Writes

/** `count` route adds through the engine, one `request` (and its ACK) at a time. */
export async function addSequential(ch: NetlinkChannel<Rtnl>, run: number, count: number, gateway: string, oif: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    await ch.request(routeAddRequest(run, i, gateway, oif));
  }
  return count;
}

/**
 * The product's batch path, as a user applies a compiled batch: the `count`
 * requests (the same messages {@link addSequential} sends) compiled into a
 * `Batch` (`addMessage`: `messageSize`, then `writeMessage` into the batch's
 * one buffer), then `applyBatch` in continue mode over the live transport,
 * `perDatagram` requests to a datagram, every ACK matched and checked. Both
 * the compile and the apply are timed.
 */
export async function addCompiledBatch(t: LiveTransport, run: number, count: number, gateway: string, oif: number, perDatagram: number): Promise<number> {
  return applyRouteBatch(t, compileRouteBatch(run, count, gateway, oif), perDatagram);
}

/** The compile of {@link addCompiledBatch}: the `count` route adds of run `run` in one `Batch`. */
export function compileRouteBatch(run: number, count: number, gateway: string, oif: number): Batch {
  const batch = new Batch({ capacity: count * 56 });
  for (let i = 0; i < count; i++) {
    batch.addMessage(routeAddRequest(run, i, gateway, oif));
  }
  return batch;
}

/** The apply of {@link addCompiledBatch}: every request of `batch` acknowledged, or an error. */
export async function applyRouteBatch(t: LiveTransport, batch: Batch, perDatagram: number): Promise<number> {
  const report = await applyBatch(batch, t, { onError: 'continue', maxDatagramRequests: perDatagram });
  if (report.ok !== batch.length) throw new Error(`batch apply: ${report.ok} of ${batch.length} acknowledged (${report.failed} failed, ${report.unknown} unknown, stopped: ${report.stopped ?? 'no'})`);
  return batch.length;
}

/**
 * Diagnostic, not a product path: the same requests encoded into one buffer
 * with the core API (`messageSize`, `writeMessage`) and sent `perDatagram`
 * to a datagram straight over the live transport, each datagram's ACKs read
 * (errno checked) before the next, with none of `applyBatch`'s bookkeeping
 * (window, per-request outcomes, timeouts). The difference to
 * {@link addCompiledBatch} is what that bookkeeping costs.
 */
export async function addHandBatch(t: LiveTransport, run: number, count: number, gateway: string, oif: number, perDatagram: number): Promise<number> {
  const starts = new Uint32Array(count + 1);
  const msgs = new Array<Parameters<typeof messageSize<Rtnl>>[1]>(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    // routeAddRequest's message with the flags and seq a batch would write, as a literal: a spread copy ({ ...m, seq }) gets a
    // hidden class of its own per object in Node 20 and made this case 1.5x slower (docs/getting-started.md, Send many requests).
    msgs[i] = {
      name: 'RTM_NEWROUTE',
      flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL,
      seq: i + 1,
      header: { family: 2, dstLen: 32, table: 254, protocol: 4, scope: 0, type: 1 },
      attrs: { dst: dotted(addDst(run, i)), gateway, oif },
    };
    starts[i] = total;
    total += (messageSize(rtnl, msgs[i]!) + 3) & ~3;
  }
  starts[count] = total;
  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < count; i++) writeMessage(rtnl, msgs[i]!, view, starts[i]!, starts[i + 1]! - starts[i]!);
  const it = t.receive()[Symbol.asyncIterator]();
  for (let i = 0; i < count; i += perDatagram) {
    const k = Math.min(perDatagram, count - i);
    await t.send(buf.subarray(starts[i]!, starts[i + k]!));
    for (let acks = 0; acks < k; ) {
      const r = await it.next();
      if (r.done) throw new Error('the transport ended');
      if (isOverrun(r.value)) throw new Error('overrun: acks lost');
      const d = r.value.bytes;
      const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
      for (let p = 0; p + 20 <= dv.byteLength; p += (dv.getUint32(p, true) + 3) & ~3) {
        if (dv.getUint16(p + 4, true) !== NLMSG.ERROR) continue;
        if (dv.getInt32(p + 16, true) !== 0) throw new Error(`route add refused: errno ${-dv.getInt32(p + 16, true)}`);
        acks++;
      }
    }
  }
  return count;
}
