/**
 * The protocol engine: requests, dumps and events over one {@link Transport}.
 */
import {
  ByteBlocks,
  HOST_LE,
  NLM_F,
  NLMSG,
  NLMSG_HDRLEN,
  MessageList,
  MessageView,
  NlDecodeError,
  align4,
  decodeMessageAt,
  frameLength,
  messageSize,
  writeMessage,
  readHeader,
  type AnyInput,
  type AnyMessage,
  type ControlMessage,
  type Family,
  type InputOf,
} from '@nlkit/core';
import { AbortError, ChannelClosedError, DumpInterruptedError } from './errors.js';
import { Subscriber, type EventItem, type EventSink, type EventMessage, type EventName, type EventStream } from './events.js';
import { Exchange, endsAt, type AbortSignalLike, type Deadline, type ExchangeHost } from './exchange.js';
import { SeqTable } from './seq-table.js';
import { isOverrun, type Datagram, type Inbound, type Transport } from './transport.js';

/** The message names of family `F` (`RTM_GETLINK`, ...). */
export type MessageName<F extends Family<any>> = keyof F['messages'] & string;

/**
 * A message to send with {@link NetlinkChannel.request} or
 * {@link NetlinkChannel.dump}: any message of the family. `nlmsg_seq` and
 * `nlmsg_pid` belong to the engine; `flags` are added to the ones it sets.
 */
export type RequestInput<F extends Family<any>> = { [N in MessageName<F>]: Omit<InputOf<F, N>, 'seq' | 'pid'> }[MessageName<F>];

/** Options common to {@link NetlinkChannel.request} and {@link NetlinkChannel.dump}. */
export interface ExchangeOptions {
  /**
   * Milliseconds until the exchange must be complete (the `NLMSG_ERROR` ACK,
   * the reply or the `NLMSG_DONE` received), else it fails with
   * `TimeoutError`. Defaults to the channel's `timeoutMs`; `Infinity` for none.
   */
  timeoutMs?: number;
  /** Cancels the exchange: it fails with `AbortError` (whose `cause` is `signal.reason`). */
  signal?: AbortSignalLike;
  /** A label for errors (`"link add"`); defaults to the request's message name. */
  operation?: string;
}

/** Options of {@link NetlinkChannel.request}. */
export interface RequestOptions extends ExchangeOptions {
  /**
   * Give replies as `MessageView`s over the received datagrams (no copy;
   * fields decoded on access) instead of decoded objects. The transport
   * must not reuse a datagram's bytes after yielding it.
   */
  lazy?: boolean;
  /**
   * Set `NLM_F_ACK` (the default) and complete at the kernel's ACK. With
   * `false` the request completes at its first reply (or, when the reply is
   * multipart, at `NLMSG_DONE`), so it must be one that elicits a reply.
   */
  ack?: boolean;
}

/** Options of {@link NetlinkChannel.dump}. */
export interface DumpOptions extends ExchangeOptions {
  /**
   * How to give the dumped messages. `false` (the default): decoded objects.
   * `true`: `MessageView`s over the received datagrams (no copy; fields
   * decoded on access). `'list'`: `MessageList`s, the datagrams plus an
   * offset per message, views made as messages are asked for: for
   * {@link NetlinkChannel.dumpAll} one list, for
   * {@link NetlinkChannel.dumpBatches} one list per batch (join them with
   * `MessageList.concat`); {@link NetlinkChannel.dump} yields views either
   * way. A list of a million routes is its bytes and 4 MB of offsets, where
   * a million views are a million objects the garbage collector copies
   * while they are young: the fastest way to hold a large dump. The
   * transport must not reuse a datagram's bytes after yielding it.
   */
  lazy?: boolean | 'list';
  /**
   * How many times to re-run a dump the kernel marked `NLM_F_DUMP_INTR`
   * before failing with `DumpInterruptedError`. Default 0: the dump streams,
   * and fails after its `NLMSG_DONE` if it was interrupted. With retries,
   * every attempt is buffered whole and only a consistent one is yielded.
   * Either way the messages of the running attempt are kept until it ends,
   * for `DumpInterruptedError.partial`.
   */
  retries?: number;
}

/** Options of {@link NetlinkChannel.events}. */
export interface EventOptions<N extends string = string> {
  /** Only messages with these names (`["RTM_NEWLINK", "RTM_DELLINK"]`); overrun and error items always pass. */
  names?: readonly N[];
  /** The most items to buffer before the buffer is replaced by an overrun marker. Defaults to the channel's `maxBuffered`. */
  maxBuffered?: number;
}

/** Options of a {@link NetlinkChannel}. */
export interface ChannelOptions {
  /** Default `timeoutMs` of every request and dump. Default: none. */
  timeoutMs?: number;
  /** Default `maxBuffered` of every event subscription. Default 4096. */
  maxBuffered?: number;
  /** The first sequence number to use. Default 1. */
  initialSeq?: number;
  /**
   * Most requests and dumps sent and not yet answered; more wait their turn.
   * The kernel drops unicast replies that do not fit the socket's receive
   * buffer (`netlink_overrun`, seen as `ENOBUFS`), so an unbounded burst of
   * requests loses replies. Default 64.
   */
  maxInFlight?: number;
}

/** Counters of a {@link NetlinkChannel} (a snapshot). */
export interface ChannelStats {
  /** Requests and dump attempts sent. */
  readonly requests: number;
  /** Messages matched to a pending request or dump, ACKs and `NLMSG_DONE` included. */
  readonly replies: number;
  /** Messages routed to events: multicast, or unicast that no request was waiting for. */
  readonly events: number;
  /** Replies that arrived after their request was given up (timeout, abort, a dump left early, a malformed reply), dropped. */
  readonly late: number;
  /** Events discarded because a subscriber's buffer was full (counted once per subscriber). */
  readonly dropped: number;
  /** Overrun signals from the transport (the kernel reported `ENOBUFS`). */
  readonly overruns: number;
  /** Messages or datagrams that could not be decoded. */
  readonly decodeErrors: number;
}

/** How many given-up sequence numbers are remembered, so that their late replies are dropped rather than taken for events. */
const RETIRED_LIMIT = 1024;
const DEFAULT_MAX_BUFFERED = 4096;

const CONTROL_NAMES: Readonly<Partial<Record<number, ControlMessage['name']>>> = {
  [NLMSG.NOOP]: 'NLMSG_NOOP',
  [NLMSG.ERROR]: 'NLMSG_ERROR',
  [NLMSG.DONE]: 'NLMSG_DONE',
  [NLMSG.OVERRUN]: 'NLMSG_OVERRUN',
};

const DEFAULT_MAX_IN_FLIGHT = 64;

/**
 * The netlink protocol engine over one {@link Transport} and one message
 * {@link Family}: what libmnl's callbacks, Go's `netlink.Conn` and pyroute2's
 * socket classes do, without the socket.
 *
 * - Every request gets its own `nlmsg_seq` (starting at `initialSeq`,
 *   wrapping at 2^32, never 0, never one still in use). Any number of
 *   requests and dumps may be outstanding at once; at most `maxInFlight`
 *   are on the wire, the rest wait their turn. A single reader loop
 *   matches each unicast reply (`Datagram.group === 0`) to its request by
 *   sequence number.
 * - Everything else is an event: multicast datagrams (even those carrying the
 *   sequence number of a pending request, as the kernel's notifications of
 *   the socket's own changes do) and unicast messages no request waits for.
 * - A malformed message fails only what it belongs to: the request with its
 *   sequence number, else event subscribers get an error item.
 * - When the transport's stream ends or fails, or on {@link close}, pending
 *   requests fail with `ChannelClosedError` and event streams end.
 *
 * The reader loop never pauses: one socket serves every request and event,
 * so stopping it for a slow dump consumer would stall the others (and
 * deadlock a request made from inside a dump loop). A dump's unconsumed
 * replies are therefore buffered; that is bounded by the dump's size. Event
 * subscriptions, which do not end, are bounded by `maxBuffered`.
 *
 * A transport `Overrun` (`ENOBUFS`) reaches event subscribers; it does not
 * fail pending requests, though the kernel may have dropped one's ACK along
 * with the events: give requests a `timeoutMs` to bound that.
 */
export class NetlinkChannel<F extends Family<any>> {
  /** The transport it reads and writes; the channel owns it. */
  readonly transport: Transport;
  /** The family requests are encoded and replies and events decoded with. */
  readonly family: F;
  readonly #timeoutMs: number | undefined;
  readonly #maxBuffered: number;
  /** The exchanges under way (sent or waiting to be), by seq. */
  readonly #pending = new SeqTable<Exchange<AnyMessage<F> | MessageView<F>>>();
  /** Given-up sequence numbers, oldest first, each with its exchange's `single`. */
  readonly #retired = new Map<number, boolean>();
  /** The seqs of {@link #retired} in the order they were retired, and where the next goes. */
  readonly #retiredRing: (number | undefined)[] = new Array<number | undefined>(RETIRED_LIMIT).fill(undefined);
  #retiredAt = 0;
  readonly #subscribers = new Set<EventSink<AnyMessage<F>>>();
  readonly #stats = { requests: 0, replies: 0, events: 0, late: 0, dropped: 0, overruns: 0, decodeErrors: 0 };
  #seq: number;
  readonly #maxInFlight: number;
  /** Requests sent and not yet released. */
  #inFlight = 0;
  /** Requests registered but not yet sent, waiting for room under `maxInFlight`. */
  readonly #waiting: Exchange<AnyMessage<F> | MessageView<F>>[] = [];
  /** What the exchanges call back into: one object, no closures per request. */
  readonly #host: ExchangeHost<AnyMessage<F> | MessageView<F>>;
  /** Why the channel closed; set once. */
  /** Where requests are encoded. */
  readonly #blocks = new ByteBlocks();
  /** An item of the receive stream is being routed (see `#send`). */
  #delivering = false;
  #closeReason: { message: string; cause?: unknown } | undefined;
  #closing: Promise<void> | undefined;

  /** Starts reading `transport` at once; the channel owns it from now on. */
  constructor(transport: Transport, family: F, options: ChannelOptions = {}) {
    this.transport = transport;
    this.family = family;
    this.#timeoutMs = options.timeoutMs;
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    this.#seq = (options.initialSeq ?? 1) >>> 0;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#host = {
      family,
      read: (lazy, view, offset) => (lazy ? new MessageView(family, view, offset) : decodeMessageAt(family, view, offset)),
      release: (exchange, retire) => this.#release(exchange, retire),
      decodeError: () => void this.#stats.decodeErrors++,
    };
    void this.#run();
  }

  /** A snapshot of the counters. */
  get stats(): ChannelStats {
    return { ...this.#stats };
  }

  /** True once {@link close} was called or the transport's stream ended. */
  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  /**
   * Sends `msg` with `NLM_F_REQUEST` and (unless `ack: false`) `NLM_F_ACK`,
   * and resolves with its replies (the object of a GET, or of an
   * `NLM_F_ECHO`; often none) once the ACK (`NLMSG_ERROR` with error 0) or
   * `NLMSG_DONE` arrives. Rejects with `NetlinkError` when the kernel
   * refuses it, `NlDecodeError` when a reply is malformed, `TimeoutError`,
   * `AbortError`, `ChannelClosedError`, `NlEncodeError` for bad input, or
   * the transport's error when sending fails.
   */
  request(msg: RequestInput<F>, opts: RequestOptions & { lazy: true }): Promise<MessageView<F>[]>;
  request(msg: RequestInput<F>, opts?: RequestOptions & { lazy?: false }): Promise<AnyMessage<F>[]>;
  request(msg: RequestInput<F>, opts?: RequestOptions): Promise<AnyMessage<F>[] | MessageView<F>[]>;
  request(msg: RequestInput<F>, opts: RequestOptions = {}): Promise<AnyMessage<F>[] | MessageView<F>[]> {
    try {
      const flags = (msg.flags ?? 0) | NLM_F.REQUEST | (opts.ack === false ? 0 : NLM_F.ACK);
      // Collected into one array: the promise settles at the ACK (or the reply), with no hop per message.
      return this.#open(msg, flags, !(flags & NLM_F.ACK), opts, this.#deadline(opts), true).done! as Promise<AnyMessage<F>[] | MessageView<F>[]>;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends `msg` with `NLM_F_REQUEST | NLM_F_DUMP` when iteration starts and
   * yields the dumped messages until `NLMSG_DONE`. Throws `NetlinkError` for
   * an `NLMSG_ERROR`, or an `NLMSG_DONE` with a negative code (after the
   * messages before it); `DumpInterruptedError` when the dump was
   * inconsistent (`NLM_F_DUMP_INTR`, see {@link DumpOptions.retries}); and
   * as {@link request} otherwise. The time limit covers every attempt up to
   * the last `NLMSG_DONE`. Leaving the loop early is fine: the rest of the
   * dump is dropped as it arrives.
   */
  dump(msg: RequestInput<F>, opts: DumpOptions & { lazy: true | 'list' }): AsyncGenerator<MessageView<F>, void, undefined>;
  dump(msg: RequestInput<F>, opts?: DumpOptions & { lazy?: false }): AsyncGenerator<AnyMessage<F>, void, undefined>;
  dump(msg: RequestInput<F>, opts?: DumpOptions): AsyncGenerator<AnyMessage<F> | MessageView<F>, void, undefined>;
  async *dump(msg: RequestInput<F>, opts: DumpOptions = {}): AsyncGenerator<AnyMessage<F> | MessageView<F>, void, undefined> {
    const retries = opts.retries ?? 0;
    const flags = (msg.flags ?? 0) | NLM_F.REQUEST | NLM_F.DUMP;
    const deadline = this.#deadline(opts);
    const signal = opts.signal;
    const checkAbort = (seq: number): void => {
      if (signal?.aborted) throw new AbortError({ seq, operation: opts.operation ?? msg.name, reason: signal.reason });
    };
    const viewOpts = opts.lazy === 'list' ? { ...opts, lazy: true } : opts;
    for (let attempt = 1; ; attempt++) {
      const exchange = this.#open(msg, flags, false, viewOpts, deadline, false);
      const queue = exchange.queue!;
      let messages: (AnyMessage<F> | MessageView<F>)[] = [];
      try {
        // One await per batch (what the reader loop queued: a datagram or more), a yield per message.
        for (let batch = await queue.nextBatch(); batch !== undefined; batch = await queue.nextBatch()) {
          if (messages.length === 0) messages = batch;
          else for (let i = 0; i < batch.length; i++) messages.push(batch[i]!);
          if (retries === 0) {
            for (let i = 0; i < batch.length; i++) {
              if (signal?.aborted) checkAbort(exchange.seq);
              yield batch[i]!;
            }
          }
        }
      } finally {
        exchange.abandon();
      }
      if (exchange.interrupted && attempt > retries) {
        throw new DumpInterruptedError({ partial: messages, attempts: attempt, seq: exchange.seq, operation: opts.operation ?? msg.name });
      }
      if (exchange.interrupted) continue;
      if (retries > 0) {
        for (const m of messages) {
          checkAbort(exchange.seq);
          yield m;
        }
      }
      return;
    }
  }

  /**
   * As {@link dump}, but resolves with every dumped message at once, after
   * `NLMSG_DONE`: the replies are collected as they arrive, with no await
   * per message (nor per datagram). The fastest way to a whole table.
   * Rejects as {@link dump} throws; an interrupted dump (`NLM_F_DUMP_INTR`)
   * is re-run up to `retries` times, then fails with `DumpInterruptedError`
   * (whose `partial` holds the last attempt's messages).
   */
  dumpAll(msg: RequestInput<F>, opts: DumpOptions & { lazy: 'list' }): Promise<MessageList<F>>;
  dumpAll(msg: RequestInput<F>, opts: DumpOptions & { lazy: true }): Promise<MessageView<F>[]>;
  dumpAll(msg: RequestInput<F>, opts?: DumpOptions & { lazy?: false }): Promise<AnyMessage<F>[]>;
  dumpAll(msg: RequestInput<F>, opts?: DumpOptions): Promise<AnyMessage<F>[] | MessageView<F>[] | MessageList<F>>;
  async dumpAll(msg: RequestInput<F>, opts: DumpOptions = {}): Promise<AnyMessage<F>[] | MessageView<F>[] | MessageList<F>> {
    const retries = opts.retries ?? 0;
    const flags = (msg.flags ?? 0) | NLM_F.REQUEST | NLM_F.DUMP;
    const deadline = this.#deadline(opts);
    for (let attempt = 1; ; attempt++) {
      const exchange = this.#open(msg, flags, false, opts, deadline, true);
      const messages = (await exchange.done!) as AnyMessage<F>[] | MessageView<F>[] | MessageList<F>;
      if (exchange.interrupted && attempt > retries) {
        const partial = (messages instanceof MessageList ? messages.toArray() : messages) as (AnyMessage<F> | MessageView<F>)[];
        throw new DumpInterruptedError({ partial, attempts: attempt, seq: exchange.seq, operation: opts.operation ?? msg.name });
      }
      if (exchange.interrupted) continue;
      if (opts.signal?.aborted) throw new AbortError({ seq: exchange.seq, operation: opts.operation ?? msg.name, reason: opts.signal.reason });
      return messages;
    }
  }

  /**
   * As {@link dump}, but yields the messages in batches (those that arrived
   * together, usually one datagram's worth: hundreds of messages) rather
   * than one at a time: one await per batch. Each array is the caller's.
   * With `retries` > 0 every attempt is buffered whole, and the consistent
   * one is yielded as a single batch.
   */
  dumpBatches(msg: RequestInput<F>, opts: DumpOptions & { lazy: 'list' }): AsyncGenerator<MessageList<F>, void, undefined>;
  dumpBatches(msg: RequestInput<F>, opts: DumpOptions & { lazy: true }): AsyncGenerator<MessageView<F>[], void, undefined>;
  dumpBatches(msg: RequestInput<F>, opts?: DumpOptions & { lazy?: false }): AsyncGenerator<AnyMessage<F>[], void, undefined>;
  dumpBatches(msg: RequestInput<F>, opts?: DumpOptions): AsyncGenerator<AnyMessage<F>[] | MessageView<F>[] | MessageList<F>, void, undefined>;
  async *dumpBatches(msg: RequestInput<F>, opts: DumpOptions = {}): AsyncGenerator<AnyMessage<F>[] | MessageView<F>[] | MessageList<F>, void, undefined> {
    const retries = opts.retries ?? 0;
    if (retries > 0) {
      yield await this.dumpAll(msg, opts);
      return;
    }
    const flags = (msg.flags ?? 0) | NLM_F.REQUEST | NLM_F.DUMP;
    const exchange = this.#open(msg, flags, false, opts, this.#deadline(opts), false);
    const queue = exchange.queue!;
    // The batches handed out, for an interrupted dump's partial results (flattened only then: a long dump is not held twice).
    const batches: (AnyMessage<F> | MessageView<F>)[][] = [];
    const lists: MessageList<F>[] = [];
    try {
      for (let batch = await queue.nextBatch(); batch !== undefined; batch = await queue.nextBatch()) {
        if (opts.signal?.aborted) throw new AbortError({ seq: exchange.seq, operation: opts.operation ?? msg.name, reason: opts.signal.reason });
        if (exchange.list) {
          // The queue holds one list per datagram run: what arrived together becomes one.
          const got = batch as unknown as MessageList<F>[];
          const list = got.length === 1 ? got[0]! : MessageList.concat(this.family, got);
          lists.push(list);
          yield list;
        } else {
          batches.push(batch);
          yield batch as AnyMessage<F>[] | MessageView<F>[];
        }
      }
    } finally {
      exchange.abandon();
    }
    if (exchange.interrupted) {
      const partial = exchange.list ? MessageList.concat(this.family, lists).toArray() : batches.flat();
      throw new DumpInterruptedError({ partial, attempts: 1, seq: exchange.seq, operation: opts.operation ?? msg.name });
    }
  }

  /**
   * Subscribes to events: multicast messages (`group` ≠ 0) and unicast ones
   * no request waits for (sequence number 0 or unknown), decoded, plus
   * overrun markers and decode-error items. Every subscriber gets every
   * event that passes its filter. The transport must have joined the groups
   * (`Transport.addMembership`). After the channel closed, the stream is
   * empty.
   */
  events<N extends EventName<F> = EventName<F>>(opts: EventOptions<N> = {}): EventStream<EventMessage<F, N>> {
    const sub: Subscriber<EventMessage<F, N>> = new Subscriber(opts.names, opts.maxBuffered ?? this.#maxBuffered, () => this.#subscribers.delete(sub));
    if (this.closed) sub.end();
    else this.#subscribers.add(sub);
    return sub;
  }

  /**
   * Closes the channel and its transport: pending requests and dumps fail
   * with `ChannelClosedError`, event streams end after their buffered items.
   * Idempotent: every call returns the transport's `close()`.
   */
  close(): Promise<void> {
    this.#shutdown('netlink channel closed');
    return (this.#closing ??= this.transport.close());
  }

  // -------------------------------------------------------------------------

  #deadline(opts: ExchangeOptions): Deadline | undefined {
    const ms = opts.timeoutMs ?? this.#timeoutMs;
    return ms === undefined ? undefined : { ms, at: Date.now() + ms };
  }

  /**
   * Registers an exchange under a fresh sequence number and sends its
   * request. `single`: it ends at its first reply (see `endsExchange`).
   */
  #open(
    msg: RequestInput<F>,
    flags: number,
    single: boolean,
    opts: ExchangeOptions & { lazy?: boolean | 'list' },
    deadline: Deadline | undefined,
    collect: boolean,
  ): Exchange<AnyMessage<F> | MessageView<F>> {
    const label = opts.operation ?? msg.name;
    if (this.#closeReason) throw new ChannelClosedError(this.#closeReason.message, this.#closeReason.cause);
    const signal = opts.signal;
    if (signal?.aborted) throw new AbortError({ operation: label, reason: signal.reason });
    const seq = this.#nextSeq();
    // Encoded as given, then the header fields the engine owns written over
    // it: no copy of the input object per request.
    const input = msg as unknown as AnyInput<F>;
    const size = messageSize(this.family, input);
    // Into a shared block: a typed array per request costs more than the encoding.
    const blocks = this.#blocks;
    const at = blocks.reserve(size);
    const view = blocks.view;
    writeMessage(this.family, input, view, at, size);
    view.setUint16(at + 6, flags, HOST_LE);
    view.setUint32(at + 8, seq, HOST_LE);
    view.setUint32(at + 12, 0, HOST_LE);
    const bytes = blocks.bytes.subarray(at, at + size);
    const exchange = new Exchange<AnyMessage<F> | MessageView<F>>(this.#host, seq, bytes, single, opts.lazy === true || opts.lazy === 'list' ? opts.lazy : false, opts.operation, label, collect);
    if (deadline !== undefined || signal !== undefined) exchange.arm(deadline, signal);
    this.#pending.set(exchange);
    this.#stats.requests++;
    if (this.#inFlight < this.#maxInFlight) this.#send(exchange);
    else this.#waiting.push(exchange);
    return exchange;
  }

  /** An exchange is over: forget it, retire its seq when more replies may come, and make room for a waiting request. */
  #release(exchange: Exchange<AnyMessage<F> | MessageView<F>>, retire: boolean): void {
    const seq = exchange.seq;
    this.#pending.delete(seq);
    if (retire && !this.closed) this.#retire(seq, exchange.single);
    if (exchange.sent) {
      exchange.sent = false;
      this.#inFlight--;
      if (this.#waiting.length > 0) this.#pump();
    }
  }

  #send(exchange: Exchange<AnyMessage<F> | MessageView<F>>): void {
    exchange.sent = true;
    this.#inFlight++;
    const transport = this.transport;
    // At once where the transport can (no promise, closure and microtask per
    // request); through the promise where it cannot, or not now.
    let now = false;
    if (transport.sendNow !== undefined) {
      try {
        now = transport.sendNow(exchange.bytes);
      } catch (e) {
        exchange.abandon(e);
        return;
      }
    }
    if (!now) transport.send(exchange.bytes).then(undefined, (e: unknown) => exchange.abandon(e));
    // The kernel answers most requests inside the send: take the answer now
    // rather than through the reader loop (not while delivering already: the
    // rest of that datagram comes first).
    if (transport.takeNow !== undefined && !this.#delivering) {
      this.#delivering = true;
      try {
        for (let x = transport.takeNow(); x !== undefined && !this.closed; x = transport.takeNow()) this.#inbound(x);
      } catch (e) {
        this.#fail(e);
      } finally {
        this.#delivering = false;
      }
    }
  }

  /** Sends waiting requests while there is room; skips those given up meanwhile. */
  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length) {
      const next = this.#waiting.shift()!;
      if (this.#pending.get(next.seq) === next) this.#send(next);
    }
  }

  #nextSeq(): number {
    let seq = this.#seq;
    while (seq === 0 || this.#pending.has(seq) || this.#retired.has(seq)) seq = (seq + 1) >>> 0;
    this.#seq = (seq + 1) >>> 0;
    return seq;
  }

  #retire(seq: number, single: boolean): void {
    // The oldest retired seq makes room (a ring of them, rather than an iterator over the map per request).
    const at = this.#retiredAt;
    const oldest = this.#retiredRing[at];
    if (oldest !== undefined) this.#retired.delete(oldest);
    this.#retiredRing[at] = seq;
    this.#retiredAt = (at + 1) % RETIRED_LIMIT;
    this.#retired.set(seq, single);
  }

  /** The reader loop. */
  async #run(): Promise<void> {
    try {
      for await (const inbound of this.transport.receive()) {
        if (this.closed) break;
        this.#delivering = true;
        try {
          this.#inbound(inbound);
        } finally {
          this.#delivering = false;
        }
      }
      this.#shutdown('netlink transport ended');
    } catch (e) {
      this.#fail(e);
    }
  }

  /** One item of the receive stream, routed. */
  #inbound(inbound: Inbound): void {
    if (!isOverrun(inbound)) this.#datagram(inbound);
    else {
      this.#stats.overruns++;
      this.#deliver(undefined, () => ({ kind: 'overrun', source: 'kernel', lost: inbound.lost }));
    }
  }

  /** The receive stream failed: everything pending fails with it, and the socket is released. */
  #fail(e: unknown): void {
    this.#shutdown(`netlink transport failed: ${e instanceof Error ? e.message : String(e)}`, e);
    // Release the socket. Its own failure to close adds nothing to the one
    // just reported; close() still hands this promise to its callers.
    this.#closing ??= this.transport.close();
    this.#closing.catch(() => {});
  }

  #datagram(datagram: Datagram): void {
    const bytes = datagram.bytes;
    const group = datagram.group;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = view.byteLength;
    let seq: number | undefined;
    // The exchange of the previous message: a dump's datagram is hundreds of messages with one seq.
    let lastSeq = -1;
    let exchange: Exchange<AnyMessage<F> | MessageView<F>> | undefined;
    try {
      for (let pos = 0; pos < end; ) {
        const len = frameLength(view, pos, end);
        seq = view.getUint32(pos + 8, HOST_LE);
        // Most messages of a datagram belong to the exchange of the one before (a dump's hundreds).
        const same = group === 0 && seq === lastSeq && exchange !== undefined && !exchange.over;
        if (!same) {
          lastSeq = seq;
          exchange = group === 0 ? this.#pending.get(seq) : undefined;
        }
        if (exchange !== undefined && exchange.takesViews) {
          // A dump's datagram, from here on, as views (or offsets) in one tight loop.
          const before = exchange.viewsTaken;
          const next = exchange.takeViews(view, pos, end, seq);
          if (next > pos) {
            this.#stats.replies += exchange.viewsTaken - before;
            pos = next;
            continue;
          }
        }
        if (same) {
          this.#stats.replies++;
          exchange!.take(view, pos, view.getUint16(pos + 4, HOST_LE), view.getUint16(pos + 6, HOST_LE));
        } else exchange = this.#route(view, pos, seq, group);
        pos += Math.min(align4(len), end - pos);
      }
    } catch (e) {
      if (!(e instanceof NlDecodeError)) throw e;
      // A framing error: attribute it by the broken header's seq, else by the previous message's.
      if (e.offset + NLMSG_HDRLEN <= view.byteLength) seq = readHeader(view, e.offset).seq;
      this.#stats.decodeErrors++;
      const exchange = group === 0 && seq !== undefined ? this.#pending.get(seq) : undefined;
      if (exchange) exchange.abandon(e);
      else if (group === 0 && seq !== undefined && this.#retired.has(seq)) this.#stats.late++;
      else this.#deliver(undefined, () => ({ kind: 'error', error: e, group }));
    }
  }

  /** Routes the message at `offset`; returns the exchange it went to, if any. */
  #route(view: DataView, offset: number, seq: number, group: number): Exchange<AnyMessage<F> | MessageView<F>> | undefined {
    const type = view.getUint16(offset + 4, HOST_LE);
    if (group === 0) {
      const exchange = this.#pending.get(seq);
      if (exchange) {
        this.#stats.replies++;
        exchange.take(view, offset, type, view.getUint16(offset + 6, HOST_LE));
        return exchange;
      }
      const single = this.#retired.get(seq);
      if (single !== undefined) {
        this.#stats.late++;
        if (endsAt(type, view.getUint16(offset + 6, HOST_LE), single)) this.#retired.delete(seq);
        return undefined;
      }
    }
    this.#stats.events++;
    const name = this.family.byType(type)?.name ?? CONTROL_NAMES[type] ?? 'UNKNOWN';
    this.#deliver(name, () => {
      try {
        return { kind: 'message', message: decodeMessageAt(this.family, view, offset), group };
      } catch (e) {
        if (!(e instanceof NlDecodeError)) throw e;
        this.#stats.decodeErrors++;
        return { kind: 'error', error: e, group };
      }
    });
    return undefined;
  }

  /** Offers an item to every subscriber whose filter accepts `name` (all, when undefined); builds it only if one does. */
  #deliver(name: string | undefined, make: () => EventItem<AnyMessage<F>>): void {
    let item: EventItem<AnyMessage<F>> | undefined;
    for (const sub of this.#subscribers) {
      if (name !== undefined && !sub.accepts(name)) continue;
      item ??= make();
      this.#stats.dropped += sub.offer(item);
    }
  }

  #shutdown(message: string, cause?: unknown): void {
    if (this.closed) return;
    this.#closeReason = { message, cause };
    const error = (): ChannelClosedError => new ChannelClosedError(message, cause);
    for (const exchange of this.#pending.values()) exchange.abandon(error());
    for (const sub of this.#subscribers) sub.end(cause === undefined ? undefined : error());
    this.#subscribers.clear();
    this.#retired.clear();
    this.#retiredRing.fill(undefined);
  }
}
