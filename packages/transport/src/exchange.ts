/**
 * One outstanding request or dump attempt, keyed by its sequence number.
 * Internal to the engine (not exported from the package).
 */
import {
  HOST_LE,
  MessageList,
  MessageView,
  NLM_F,
  NLMSG,
  NLMSG_HDRLEN,
  NetlinkError,
  decodeMessageAt,
  toExtAck,
  type DoneMessage,
  type ErrorMessage,
  type Family,
  type NlMsgHeader,
} from '@nlkit/core';
import { AbortError, TimeoutError } from './errors.js';
import { Queue } from './queue.js';

/**
 * The part of `AbortSignal` the engine uses. Structural, so the DOM's and
 * Node's `AbortSignal` both fit without either's type library.
 */
export interface AbortSignalLike {
  /** True once the signal has been aborted. */
  readonly aborted: boolean;
  /** Why it was aborted; becomes the `cause` of the {@link AbortError}. */
  readonly reason?: unknown;
  /** Registers `listener` to be called when the signal aborts. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Unregisters a listener added by {@link AbortSignalLike.addEventListener}. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A time limit: `ms` as the caller gave it, `at` the wall-clock deadline it implies. */
export interface Deadline {
  readonly ms: number;
  readonly at: number;
}

/** The host's timers, typed here because the package compiles without DOM or Node types. */
const timers = globalThis as unknown as {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
};
/** Longest delay `setTimeout` honours; longer ones would fire at once. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * True when `header` is the last message an exchange can receive: an
 * `NLMSG_ERROR` (ACK or error), an `NLMSG_DONE`, or, for a request sent
 * without `NLM_F_ACK` (`single`), its first message without `NLM_F_MULTI`.
 */
export function endsExchange(header: Pick<NlMsgHeader, 'type' | 'flags'>, single: boolean): boolean {
  return endsAt(header.type, header.flags, single);
}

/** {@link endsExchange} on the raw `nlmsg_type` and `nlmsg_flags`. */
export function endsAt(type: number, flags: number, single: boolean): boolean {
  return type === NLMSG.ERROR || type === NLMSG.DONE || (single && !(flags & NLM_F.MULTI));
}

/**
 * What the channel does for its exchanges: one object per channel, so that
 * an exchange needs no closures of its own.
 */
export interface ExchangeHost<T> {
  readonly family: Family;
  /** Turns the message at `offset` into what the caller receives (a view when `lazy`). Throws only `NlDecodeError`. */
  read(lazy: boolean, view: DataView, offset: number): T;
  /** Called once when the exchange is over; `retire` when more replies with its seq may still come. */
  release(exchange: Exchange<T>, retire: boolean): void;
  /** Called for each reply that could not be decoded. */
  decodeError(): void;
}

/**
 * Collects the replies with one sequence number and ends at the terminal
 * message, on a timeout or abort, or when the caller gives up.
 *
 * Two ways to hand the replies over: streaming (`collect` false), through
 * {@link queue}, which the caller drains a batch (a datagram's worth) at a
 * time; or collecting (`collect` true), into one array that {@link done}
 * resolves with at the end: one promise per exchange, none per reply.
 */
export class Exchange<T> {
  readonly seq: number;
  /** The encoded request. */
  readonly bytes: Uint8Array;
  /** Sent without `NLM_F_ACK` (and not a dump): its first reply ends it. */
  readonly single: boolean;
  /** Replies are `MessageView`s rather than decoded objects. */
  readonly lazy: boolean;
  /** Replies are held as a `MessageList` (offsets into the datagrams): streaming, one list per batch; collecting, one list at the end. Implies `lazy`. */
  readonly list: boolean;
  /** The caller's label, for errors; `NetlinkError` falls back to the request's name. */
  readonly operation: string | undefined;
  /** The label for the engine's own errors. */
  readonly label: string;
  /** Streaming: replies waiting for the caller, then the end or the error. Undefined when collecting. */
  readonly queue: Queue<T> | undefined;
  /** Collecting: resolves with every reply at the end (in one `MessageList` when {@link list}), or rejects with the error. Undefined when streaming. */
  readonly done: Promise<T[] | MessageList> | undefined;
  /** Some reply (or the `NLMSG_DONE`) carried `NLM_F_DUMP_INTR`. */
  interrupted = false;
  /** Sent and counted in flight (the channel's bookkeeping). */
  sent = false;
  readonly #host: ExchangeHost<T>;
  /**
   * Collecting: the replies so far, as the chunks they arrived in (a dump
   * datagram's views are one chunk), flattened once at the end. One array
   * grown a reply at a time would cost more than the replies: once large,
   * V8 scans all of it at every young-generation GC while it grows.
   * Undefined until the first reply (most requests get none but the ACK).
   */
  #chunks: T[][] | undefined;
  /** Collecting: the chunk {@link take} appends to; undefined until it needs one. */
  #tail: T[] | undefined;
  /** Collecting a list: the datagrams and the offsets of the replies in each. */
  #list: { views: DataView[]; offsets: Uint32Array[] } | undefined;
  #resolve: ((replies: T[] | MessageList) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #over = false;
  /** The time limit's timer and the abort listener, when {@link arm} was given either. */
  #armed: Armed | undefined;

  constructor(host: ExchangeHost<T>, seq: number, bytes: Uint8Array, single: boolean, lazy: boolean | 'list', operation: string | undefined, label: string, collect: boolean) {
    this.#host = host;
    this.seq = seq;
    this.bytes = bytes;
    this.single = single;
    this.lazy = lazy !== false;
    this.list = lazy === 'list';
    this.operation = operation;
    this.label = label;
    if (collect) {
      this.queue = undefined;
      if (this.list) this.#list = { views: [], offsets: [] };
      // One executor for all: no closure per exchange.
      this.done = new Promise<T[] | MessageList>(capture);
      this.#resolve = captured.resolve as (replies: T[] | MessageList) => void;
      this.#reject = captured.reject;
      captured.resolve = captured.reject = undefined;
    } else {
      this.queue = new Queue<T>();
      this.done = undefined;
    }
  }

  /** True once the exchange ended (its terminal message, an error, or given up). */
  get over(): boolean {
    return this.#over;
  }

  /** Starts the timer of `deadline` and listens to `signal`; only what is given costs anything. */
  arm(deadline: Deadline | undefined, signal: AbortSignalLike | undefined): void {
    const armed: Armed = { timer: undefined, signal: undefined, onAbort: undefined };
    if (deadline) {
      const delay = Math.max(0, deadline.at - Date.now());
      if (delay <= MAX_DELAY) {
        armed.timer = timers.setTimeout(() => this.abandon(new TimeoutError({ seq: this.seq, operation: this.label, timeoutMs: deadline.ms })), delay);
      }
    }
    if (signal) {
      const onAbort = (): void => this.abandon(new AbortError({ seq: this.seq, operation: this.label, reason: signal.reason }));
      armed.signal = signal;
      armed.onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    this.#armed = armed;
  }

  /** One unicast message with this exchange's sequence number arrived, at `offset` of `view`. */
  take(view: DataView, offset: number, type: number, flags: number): void {
    const control = type === NLMSG.ERROR || type === NLMSG.DONE;
    const last = control || (this.single && !(flags & NLM_F.MULTI));
    if (flags & NLM_F.DUMP_INTR) this.interrupted = true;
    let refusal: NetlinkError | undefined;
    try {
      if (control) refusal = this.#refusal(view, offset, type);
      else if (this.list) this.#addToList(view, Uint32Array.of(offset));
      else {
        const reply = this.#host.read(this.lazy, view, offset);
        if (this.queue !== undefined) this.queue.push(reply);
        else if (this.#tail !== undefined) this.#tail.push(reply);
        else (this.#chunks ??= []).push((this.#tail = [reply]));
      }
    } catch (e) {
      this.#host.decodeError();
      this.#settle(e, !last);
      return;
    }
    if (last) this.#settle(refusal, false);
  }

  /** How many replies {@link takeViews} has taken so far. */
  viewsTaken = 0;

  /** Whether {@link takeViews} applies: a lazy exchange of a multipart reply (a dump), collecting or streaming. */
  get takesViews(): boolean {
    return this.lazy && !this.single && !this.#over;
  }

  /**
   * Takes the run of plain replies starting at `pos` (family messages with
   * `seq`, no `NLM_F_DUMP_INTR`, well framed) as lazy views (or, for a
   * {@link list}, their offsets), without the per-message dispatch of
   * {@link take}: a dump datagram is hundreds of them. A streaming exchange
   * gets them as one batch. Returns where the
   * run stops; whatever stops it (the end, a control message, a framing
   * error, another seq) is left for the caller's general path. Only when
   * {@link takesViews}.
   */
  takeViews(view: DataView, pos: number, end: number, seq: number): number {
    const n = scanRun(view, pos, end, seq);
    if (n === 0) return runEnd;
    this.viewsTaken += n;
    const offsets = scratch;
    if (this.list) this.#addToList(view, offsets.slice(0, n));
    else {
      const family = this.#host.family;
      const replies: T[] = [];
      for (let i = 0; i < n; i++) replies.push(new MessageView(family, view, offsets[i]!) as T);
      if (this.queue !== undefined) this.queue.pushAll(replies);
      else {
        (this.#chunks ??= []).push(replies);
        this.#tail = undefined;
      }
    }
    return runEnd;
  }

  /** Replies at `offsets` of `view`, for a list: kept (collecting) or queued as a list of their own (streaming). */
  #addToList(view: DataView, offsets: Uint32Array): void {
    const list = this.#list;
    if (list !== undefined) {
      list.views.push(view);
      list.offsets.push(offsets);
    } else this.queue!.push(MessageList.unchecked(this.#host.family, [view], [offsets]) as T);
  }

  /**
   * Gives up: the caller gets the replies already queued, then `error` (or
   * the end). The sequence number is retired so that later replies are
   * dropped. Does nothing once the exchange is over.
   */
  abandon(error?: unknown): void {
    this.#settle(error, true);
  }

  #settle(error: unknown, retire: boolean): void {
    if (this.#over) return;
    this.#over = true;
    const armed = this.#armed;
    if (armed !== undefined) {
      if (armed.timer !== undefined) timers.clearTimeout(armed.timer);
      if (armed.onAbort !== undefined) armed.signal!.removeEventListener('abort', armed.onAbort);
    }
    this.#host.release(this, retire);
    if (this.queue === undefined) {
      const chunks = this.#chunks;
      const list = this.#list;
      this.#chunks = this.#tail = this.#list = undefined;
      if (error !== undefined) this.#reject!(error);
      else if (list !== undefined) this.#resolve!(MessageList.unchecked(this.#host.family, list.views, list.offsets));
      else this.#resolve!(chunks === undefined ? [] : flatten(chunks));
      this.#resolve = this.#reject = undefined;
    } else this.queue.end(error);
  }

  /** The `NetlinkError` an `NLMSG_ERROR` (non-zero code) or `NLMSG_DONE` (negative code) stands for; undefined for an ACK or a clean end. */
  #refusal(view: DataView, offset: number, type: number): NetlinkError | undefined {
    // The common cases, an ACK or a clean end, read straight from the bytes.
    const len = view.getUint32(offset, HOST_LE);
    if (type === NLMSG.ERROR && len >= 20 && view.getInt32(offset + 16, HOST_LE) === 0) return undefined;
    if (type === NLMSG.DONE && (len < 20 || view.getInt32(offset + 16, HOST_LE) >= 0)) return undefined;
    const { family } = this.#host;
    const requestType = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).getUint16(4, HOST_LE);
    const m = decodeMessageAt(family, view, offset) as ErrorMessage | DoneMessage;
    const errno = m.name === 'NLMSG_ERROR' ? m.header.error : (m.header.error ?? 0);
    if (m.name === 'NLMSG_ERROR' ? errno === 0 : errno >= 0) return undefined;
    return new NetlinkError({ errno, extack: toExtAck(m.attrs), seq: this.seq, requestType, requestName: family.byType(requestType)?.name, operation: this.operation });
  }
}

/** What {@link Exchange.arm} set up, to be undone when the exchange ends. */
interface Armed {
  timer: unknown;
  signal: AbortSignalLike | undefined;
  onAbort: (() => void) | undefined;
}

/** Where {@link capture} puts the resolving functions of the promise being made. */
const captured: { resolve: ((value: never) => void) | undefined; reject: ((error: unknown) => void) | undefined } = { resolve: undefined, reject: undefined };

/** The executor of every exchange's promise: it runs synchronously inside `new Promise`, which the constructor reads right after. */
function capture(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

/** The offsets {@link scanRun} found (grown when a datagram holds more). */
let scratch = new Uint32Array(1024);
/** Where the run {@link scanRun} last scanned stops. */
let runEnd = 0;

/**
 * The run of plain replies from `pos` (family messages with `seq`, no
 * `NLM_F_DUMP_INTR`, well framed): their offsets into {@link scratch}, where
 * the run stops into {@link runEnd}; returns how many.
 */
function scanRun(view: DataView, pos: number, end: number, seq: number): number {
  let offs = scratch;
  let n = 0;
  while (end - pos >= NLMSG_HDRLEN) {
    const len = view.getUint32(pos, HOST_LE);
    if (len < NLMSG_HDRLEN || len > end - pos) break;
    if (view.getUint16(pos + 4, HOST_LE) < NLMSG.MIN_TYPE || view.getUint32(pos + 8, HOST_LE) !== seq) break;
    if (view.getUint16(pos + 6, HOST_LE) & NLM_F.DUMP_INTR) break;
    if (n === offs.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(offs);
      scratch = offs = grown;
    }
    offs[n++] = pos;
    const step = (len + 3) & ~3;
    pos += step < end - pos ? step : end - pos;
  }
  runEnd = pos;
  return n;
}

/** The chunks' items in one array, allocated at its final size. */
export function flatten<T>(chunks: readonly (readonly T[])[]): T[] {
  if (chunks.length === 1) return chunks[0] as T[];
  let total = 0;
  for (let i = 0; i < chunks.length; i++) total += chunks[i]!.length;
  const out = new Array<T>(total);
  let k = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    for (let j = 0; j < c.length; j++) out[k++] = c[j]!;
  }
  return out;
}
