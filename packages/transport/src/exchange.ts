/**
 * One outstanding request or dump attempt, keyed by its sequence number.
 * Internal to the engine (not exported from the package).
 */
import {
  NLM_F,
  NLMSG,
  NetlinkError,
  decodeMessageAt,
  toExtAck,
  type DoneMessage,
  type ErrorMessage,
  type Family,
  type Frame,
  type NlMsgHeader,
} from '@nlkit/core';
import { AbortError, TimeoutError } from './errors.js';
import { Queue } from './queue.js';

/**
 * The part of `AbortSignal` the engine uses. Structural, so the DOM's and
 * Node's `AbortSignal` both fit without either's type library.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
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
  return header.type === NLMSG.ERROR || header.type === NLMSG.DONE || (single && !(header.flags & NLM_F.MULTI));
}

/** How an {@link Exchange} is set up by the channel. */
export interface ExchangeInit<T> {
  readonly family: Family;
  readonly seq: number;
  /** `nlmsg_type` of the request, for `NetlinkError.requestType`. */
  readonly requestType: number;
  /** Sent without `NLM_F_ACK` (and not a dump): its first reply ends it. */
  readonly single: boolean;
  /** The caller's label, for errors; `NetlinkError` falls back to the request's name. */
  readonly operation: string | undefined;
  /** The label for the engine's own errors. */
  readonly label: string;
  readonly deadline: Deadline | undefined;
  readonly signal: AbortSignalLike | undefined;
  /** Turns the message at `offset` into what the caller receives. Throws only `NlDecodeError`. */
  readonly read: (view: DataView, offset: number) => T;
  /** Called once when the exchange is over; `retire` when more replies with its seq may still come. */
  readonly release: (retire: boolean) => void;
  /** Called for each reply that could not be decoded. */
  readonly onDecodeError: () => void;
}

/**
 * Collects the replies with one sequence number into a queue the caller
 * pulls from, and ends it at the terminal message, on a timeout or abort, or
 * when the caller gives up.
 */
export class Exchange<T> {
  readonly seq: number;
  /** Replies waiting for the caller, then the end or the error. */
  readonly queue = new Queue<T>();
  /** Some reply (or the `NLMSG_DONE`) carried `NLM_F_DUMP_INTR`. */
  interrupted = false;
  readonly #init: ExchangeInit<T>;
  readonly #disarm: () => void;
  #over = false;

  constructor(init: ExchangeInit<T>) {
    this.#init = init;
    this.seq = init.seq;
    const { deadline, signal, label, seq } = init;
    let timer: unknown;
    if (deadline) {
      const delay = Math.max(0, deadline.at - Date.now());
      if (delay <= MAX_DELAY) timer = timers.setTimeout(() => this.abandon(new TimeoutError({ seq, operation: label, timeoutMs: deadline.ms })), delay);
    }
    const onAbort = (): void => this.abandon(new AbortError({ seq, operation: label, reason: signal!.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#disarm = () => {
      if (timer !== undefined) timers.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  /** One unicast message with this exchange's sequence number arrived. */
  take(view: DataView, frame: Frame): void {
    const { type, flags } = frame.header;
    const control = type === NLMSG.ERROR || type === NLMSG.DONE;
    const last = endsExchange(frame.header, this.#init.single);
    if (flags & NLM_F.DUMP_INTR) this.interrupted = true;
    let refusal: NetlinkError | undefined;
    try {
      if (control) refusal = this.#refusal(view, frame.offset);
      else this.queue.push(this.#init.read(view, frame.offset));
    } catch (e) {
      this.#init.onDecodeError();
      this.#settle(e, !last);
      return;
    }
    if (last) this.#settle(refusal, false);
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
    this.#disarm();
    this.#init.release(retire);
    this.queue.end(error);
  }

  /** The `NetlinkError` an `NLMSG_ERROR` (non-zero code) or `NLMSG_DONE` (negative code) stands for; undefined for an ACK or a clean end. */
  #refusal(view: DataView, offset: number): NetlinkError | undefined {
    const { family, requestType, operation } = this.#init;
    const m = decodeMessageAt(family, view, offset) as ErrorMessage | DoneMessage;
    const errno = m.name === 'NLMSG_ERROR' ? m.header.error : (m.header.error ?? 0);
    if (m.name === 'NLMSG_ERROR' ? errno === 0 : errno >= 0) return undefined;
    return new NetlinkError({ errno, extack: toExtAck(m.attrs), seq: this.seq, requestType, requestName: family.byType(requestType)?.name, operation });
  }
}
