/**
 * Test helpers of this package (not exported from its index): a scripted
 * in-memory transport and a tiny message family to build replies with.
 */
import {
  NLM_F,
  attrs,
  concatBytes,
  cstring,
  encodeMessage,
  family,
  readHeader,
  struct,
  u32,
  viewOf,
  type ExtAckAttrs,
  type NlMsgHeader,
} from '@nlkit/core';
import { Queue } from './queue.js';
import { OVERRUN, type Inbound, type Transport, type TransportInfo } from './transport.js';

const objmsg = struct('objmsg', 'om_', { index: u32 });

/** A small family shaped like rtnetlink's links: a fixed header and two attributes. */
export const demo = family('demo', 0, {
  DEMO_NEWOBJ: { type: 16, header: objmsg, attrs: attrs('DA_', { name: { nla: 1, codec: cstring() }, mtu: { nla: 2, codec: u32 } }) },
  DEMO_DELOBJ: { type: 17, header: objmsg },
  DEMO_GETOBJ: { type: 18, header: objmsg },
});

/** One datagram the engine sent, with its first message's header. */
export interface Sent {
  readonly bytes: Uint8Array;
  readonly header: NlMsgHeader;
}

/**
 * A transport driven by the test: `onSend` sees each request as it is sent
 * and may answer with {@link deliver}; the test can also push multicast
 * datagrams, overruns, the end of the stream or a failure.
 */
export class ScriptedTransport implements Transport {
  readonly info: TransportInfo = { protocol: 0, portId: 4242, groups: [] };
  readonly sent: Sent[] = [];
  /** How many times `close()` was called. */
  closeCalls = 0;
  onSend: ((req: Sent) => void) | undefined;
  readonly #inbound = new Queue<Inbound>();
  readonly #stream: AsyncIterable<Inbound> = { [Symbol.asyncIterator]: () => ({ next: () => this.#inbound.next() }) };

  constructor(onSend?: (req: Sent) => void) {
    this.onSend = onSend;
  }

  async send(bytes: Uint8Array): Promise<void> {
    if (this.#inbound.ended) throw new Error('send on a closed transport');
    const req = { bytes, header: readHeader(viewOf(bytes), 0) };
    this.sent.push(req);
    this.onSend?.(req);
  }

  receive(): AsyncIterable<Inbound> {
    return this.#stream;
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.#inbound.end();
  }

  /** Queues a datagram made of `messages` (unicast unless `group` is given). */
  deliver(messages: Uint8Array | readonly Uint8Array[], group = 0): void {
    this.#inbound.push({ bytes: messages instanceof Uint8Array ? messages : concatBytes(messages), group });
  }

  overrun(lost?: number): void {
    this.#inbound.push(lost === undefined ? OVERRUN : { overrun: true, lost });
  }

  /** Ends the receive stream without `close()`, as a transport whose socket went away. */
  end(error?: unknown): void {
    this.#inbound.end(error);
  }
}

/** A `DEMO_NEWOBJ` message. */
export function obj(seq: number, index: number, name: string, flags = 0): Uint8Array {
  return encodeMessage(demo, { name: 'DEMO_NEWOBJ', seq, flags, header: { index }, attrs: { name } });
}

/** The `NLMSG_ERROR` answering `req`: an ACK, or an error with an optional extended ACK. */
export function ack(req: NlMsgHeader, errno = 0, extack?: ExtAckAttrs): Uint8Array {
  const flags = NLM_F.CAPPED | (extack ? NLM_F.ACK_TLVS : 0);
  return encodeMessage(demo, { name: 'NLMSG_ERROR', seq: req.seq, flags, header: { error: -errno, msg: req }, attrs: extack ?? {} });
}

/** An `NLMSG_DONE`, with a result code when `errno` is given. */
export function done(seq: number, opts: { errno?: number; flags?: number; extack?: ExtAckAttrs } = {}): Uint8Array {
  const flags = NLM_F.MULTI | (opts.flags ?? 0) | (opts.extack ? NLM_F.ACK_TLVS : 0);
  const header = opts.errno === undefined ? {} : { error: -opts.errno };
  return encodeMessage(demo, { name: 'NLMSG_DONE', seq, flags, header, attrs: opts.extack ?? {} });
}

/** Resolves after pending I/O callbacks and microtasks have run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => (globalThis as unknown as { setTimeout(fn: () => void, ms: number): void }).setTimeout(resolve, 0));
}
