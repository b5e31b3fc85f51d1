/**
 * Sending a batch: many requests per datagram, a bounded number awaiting
 * their ACK, and a report of what became of each.
 */
import { HOST_LE, NLMSG, NLMSG_HDRLEN, NetlinkError, align4, decodeMessageAt, frameLength, toExtAck, viewOf, type ErrorMessage } from '@nlkit/core';
import { isOverrun, type AbortSignalLike, type Inbound, type Transport } from '@nlkit/transport';
import type { Batch } from './batch.js';
import { routeFamily } from './family.js';

/** Offset of `nlmsg_seq` in `struct nlmsghdr`. */
const SEQ_AT = 8;
/** How long to wait for answers that an overrun may have dropped. */
const LOST_AFTER_OVERRUN_MS = 500;

/** The host's timers, typed here because the package compiles without DOM or Node types. */
const timers = globalThis as unknown as {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
};

/** What became of one request. */
export type Outcome =
  /** The kernel acknowledged it (`NLMSG_ERROR` with error 0). */
  | 'ok'
  /** The kernel refused it (`NLMSG_ERROR` with a negative errno); see {@link ApplyReport.error}. */
  | 'failed'
  /** Not sent: an earlier request failed in stop mode, the apply was aborted, or the transport went away. */
  | 'skipped'
  /** Sent, but its answer never came (lost in an overrun of the socket's receive buffer, or timed out). */
  | 'unknown';

/** Why an apply ended before sending everything. */
export type StopReason = 'error' | 'aborted' | 'timeout' | 'closed' | 'transport-error';

/** Progress of an apply, as {@link ApplyOptions.onProgress} receives it. */
export interface ApplyProgress {
  /** Requests in the batch. */
  readonly total: number;
  /** Requests sent so far. */
  readonly sent: number;
  /** Requests whose outcome is known (answered, or given up as unknown). */
  readonly done: number;
  /** Requests the kernel acknowledged. */
  readonly ok: number;
  /** Requests the kernel refused (an `NLMSG_ERROR` with an errno). */
  readonly failed: number;
  /** Requests whose outcome was given up as unknown. */
  readonly unknown: number;
}

/** Options of {@link applyBatch}. */
export interface ApplyOptions {
  /**
   * `'stop'` (the default, as `ip -batch`): at the first refusal, send
   * nothing more; the requests after it are `skipped`. Requests then go one
   * at a time, each after the previous one's ACK, because the kernel runs
   * every message of a datagram even after one fails. `'continue'` (as
   * `ip -batch -force`): send everything, many per datagram, and report
   * each outcome.
   */
  onError?: 'stop' | 'continue';
  /** Most bytes per datagram in continue mode (a bigger request goes alone). Default 32 KiB, the size of a kernel dump datagram. */
  maxDatagramBytes?: number;
  /** Most requests per datagram in continue mode. Default 64. */
  maxDatagramRequests?: number;
  /**
   * Most requests sent and not yet answered. The kernel queues one ACK per
   * request on the socket and drops those that overflow its receive buffer
   * (`ENOBUFS`); this bound keeps them in. Default 256: an ACK takes
   * about 600 bytes of buffer, and 256 of them fit twice over in the
   * ~416 KiB a default `net.core.rmem_max` allows. After an overrun the
   * bound is halved.
   */
  maxUnacked?: number;
  /** Milliseconds to wait for an answer before giving the outstanding requests up as `unknown`. Default 15000. */
  replyTimeoutMs?: number;
  /** Called as outcomes come in (at most once per {@link progressEvery} requests, and at the end). */
  onProgress?: (progress: ApplyProgress) => void;
  /** Requests between two {@link onProgress} calls. Default 64. */
  progressEvery?: number;
  /** Stops sending when aborted; what was sent is still waited for, the rest is `skipped`. */
  signal?: AbortSignalLike;
}

/** One refused request of a report. */
export interface RequestFailure {
  /** Its index in the batch. */
  readonly index: number;
  /** The kernel's refusal: `errno`, `code` (`EEXIST`), `extack.message`, `operation` (`route add 10.0.0.0/24`). */
  readonly error: NetlinkError;
}

const PENDING = 1;
const OK = 2;
const FAILED = 3;
const UNKNOWN = 4;
const NAMES: Readonly<Record<number, Outcome>> = { 0: 'skipped', [PENDING]: 'unknown', [OK]: 'ok', [FAILED]: 'failed', [UNKNOWN]: 'unknown' };

/**
 * What {@link applyBatch} did with each request: one byte of state per
 * request, and a `NetlinkError` (errno, extended-ack message, the request's
 * label) for each refused one.
 */
export class ApplyReport {
  /** Requests in the batch. */
  readonly total: number;
  /** Acknowledged. */
  readonly ok: number;
  /** Refused by the kernel. */
  readonly failed: number;
  /** Never sent. */
  readonly skipped: number;
  /** Sent without an answer. */
  readonly unknown: number;
  /** Datagrams sent. */
  readonly datagrams: number;
  /** Receive-buffer overruns the transport reported (`ENOBUFS`); non-zero means answers were lost. */
  readonly overruns: number;
  /** Wall-clock milliseconds the apply took. */
  readonly durationMs: number;
  /** Why it ended early, if it did. */
  readonly stopped: StopReason | undefined;
  /** The error behind `stopped: 'transport-error'`. */
  readonly cause: unknown;
  readonly #status: Uint8Array;
  readonly #errors: Map<number, NetlinkError>;

  /** @internal */
  constructor(init: {
    status: Uint8Array; errors: Map<number, NetlinkError>; datagrams: number; overruns: number; durationMs: number; stopped: StopReason | undefined; cause: unknown;
  }) {
    this.#status = init.status;
    this.#errors = init.errors;
    let ok = 0, failed = 0, skipped = 0, unknown = 0;
    for (const s of init.status) {
      if (s === OK) ok++;
      else if (s === FAILED) failed++;
      else if (s === 0) skipped++;
      else unknown++;
    }
    this.total = init.status.length;
    this.ok = ok;
    this.failed = failed;
    this.skipped = skipped;
    this.unknown = unknown;
    this.datagrams = init.datagrams;
    this.overruns = init.overruns;
    this.durationMs = init.durationMs;
    this.stopped = init.stopped;
    this.cause = init.cause;
  }

  /** True when every request was acknowledged. */
  get allOk(): boolean {
    return this.ok === this.total;
  }

  /** The outcome of request `index`. */
  outcome(index: number): Outcome {
    if (!Number.isInteger(index) || index < 0 || index >= this.total) throw new RangeError(`no request ${index} in a report of ${this.total}`);
    return NAMES[this.#status[index]!]!;
  }

  /** The kernel's refusal of request `index`, if it was refused. */
  error(index: number): NetlinkError | undefined {
    return this.#errors.get(index);
  }

  /** The refused requests, in batch order. */
  get failures(): RequestFailure[] {
    return [...this.#errors.entries()].sort((a, b) => a[0] - b[0]).map(([index, error]) => ({ index, error }));
  }

  /** Every request's outcome, in order (built as iterated). */
  *[Symbol.iterator](): IterableIterator<{
    /** The request's position in the batch. */
    index: number;
    /** What became of it. */
    outcome: Outcome;
    /** The kernel's refusal, for a failed request. */
    error?: NetlinkError;
  }> {
    for (let i = 0; i < this.total; i++) {
      const error = this.#errors.get(i);
      yield error ? { index: i, outcome: 'failed', error } : { index: i, outcome: NAMES[this.#status[i]!]! };
    }
  }
}

/**
 * Sends `batch` through `transport` and collects each request's ACK or
 * error, as `ip -batch` does, but many requests per datagram: the kernel's
 * `netlink_rcv_skb` runs the messages of a datagram one by one and answers
 * each (`NLM_F_ACK`) in order. Sequence numbers are stamped `firstSeq +
 * index` on the way out (a compiled batch already has them), and answers
 * are matched back by them.
 *
 * At most `maxUnacked` requests are unanswered at any time, so that the
 * ACKs fit the socket's receive buffer (as `NetlinkChannel`'s `maxInFlight`
 * bounds requests); an answer lost anyway (an `Overrun`) shows as
 * `unknown`, since the kernel answers in order and a later answer proves the
 * earlier one lost.
 *
 * The transport must be used by nothing else meanwhile: this reads its
 * `receive()` stream itself. Give it `NETLINK_EXT_ACK` for the kernel's
 * messages (`openNetlink` sets it by default).
 *
 * ```ts
 * const transport = openNetlink({ netns: 'lab' });
 * const report = await applyBatch(batch, transport, { onError: 'continue', onProgress: (p) => console.log(p.done, '/', p.total) });
 * for (const { index, error } of report.failures) console.error(`#${index}: ${error.message}`);
 * await transport.close();
 * ```
 * Never throws for the kernel's refusals or a failing transport: they are
 * in the report (`failed`, `stopped`, `cause`).
 */
export async function applyBatch(batch: Batch, transport: Transport, options: ApplyOptions = {}): Promise<ApplyReport> {
  const started = Date.now();
  const n = batch.length;
  const stopOnError = (options.onError ?? 'stop') === 'stop';
  let perDatagram = stopOnError ? 1 : positive(options.maxDatagramRequests ?? 64, 'maxDatagramRequests');
  let window = stopOnError ? 1 : positive(options.maxUnacked ?? 256, 'maxUnacked');
  const maxBytes = positive(options.maxDatagramBytes ?? 32 * 1024, 'maxDatagramBytes');
  const timeoutMs = options.replyTimeoutMs ?? 15_000;
  const progressEvery = positive(options.progressEvery ?? 64, 'progressEvery');
  const status = new Uint8Array(n);
  const errors = new Map<number, NetlinkError>();
  const base = batch.firstSeq;
  let next = 0; // the next request to send
  let low = 0; // every request before it is answered or given up
  let ok = 0, failed = 0, unknown = 0;
  let datagrams = 0, overruns = 0;
  let stopped: StopReason | undefined;
  let cause: unknown;
  let lastProgress = 0;
  /** An overrun was reported while requests were outstanding: some of their answers may be lost. */
  let lossy = false;

  const progress = (force: boolean): void => {
    const done = ok + failed + unknown;
    if (!options.onProgress || (!force && done - lastProgress < progressEvery)) return;
    lastProgress = done;
    options.onProgress({ total: n, sent: next, done, ok, failed, unknown });
  };
  const giveUp = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      if (status[i] === PENDING) {
        status[i] = UNKNOWN;
        unknown++;
      }
    }
  };

  const reader = transport.receive()[Symbol.asyncIterator]();
  let reading: Promise<IteratorResult<Inbound>> | undefined;

  const answer = (bytes: Uint8Array): void => {
    const view = viewOf(bytes);
    const end = view.byteLength;
    for (let pos = 0; pos < end; ) {
      const len = frameLength(view, pos, end);
      const at = pos;
      pos += Math.min(align4(len), end - pos);
      if (view.getUint16(at + 4, HOST_LE) !== NLMSG.ERROR || len < NLMSG_HDRLEN + 4) continue;
      const seq = view.getUint32(at + SEQ_AT, HOST_LE);
      const index = (seq - base) >>> 0;
      if (index >= next || status[index] !== PENDING) continue; // not ours, or already settled
      giveUp(low, index); // answered in order: anything before it without an answer lost it
      const errno = view.getInt32(at + NLMSG_HDRLEN, HOST_LE);
      if (errno === 0) {
        status[index] = OK;
        ok++;
      } else {
        status[index] = FAILED;
        failed++;
        errors.set(index, refusal(batch, index, view, at, seq));
        if (stopOnError) stopped ??= 'error';
      }
      low = index + 1;
    }
  };
  // One watchdog for the whole apply rather than a timer per read: it fires
  // when no answer came for the current limit, counted from the last one.
  let lastAnswer = Date.now();
  const watchdog = new Watchdog(() => (lossy ? Math.min(timeoutMs, LOST_AFTER_OVERRUN_MS) : timeoutMs), () => lastAnswer);

  try {
    for (;;) {
      if (stopped === undefined && options.signal?.aborted) stopped = 'aborted';
      // Send a datagram when it can be a full one (or nothing is outstanding, or it is the tail): refilling the window
      // one answer at a time would send one request per datagram.
      while (stopped === undefined && next < n && (next === low || window - (next - low) >= Math.min(perDatagram, n - next))) {
        let end = next;
        let bytes = 0;
        while (end < n && end - next < perDatagram && end - low < window) {
          const { start, end: stop } = batch.span(end);
          if (end > next && bytes + (stop - start) > maxBytes) break;
          bytes += stop - start;
          end++;
        }
        const datagram = batch.slice(next, end).slice();
        const dv = viewOf(datagram);
        const origin = batch.span(next).start;
        for (let i = next; i < end; i++) {
          dv.setUint32(batch.span(i).start - origin + SEQ_AT, (base + i) >>> 0, HOST_LE);
          status[i] = PENDING;
        }
        const from = next;
        next = end;
        datagrams++;
        try {
          await transport.send(datagram);
        } catch (e) {
          // Whether the kernel saw it is unknown; nothing more is sent.
          giveUp(from, end);
          stopped = 'transport-error';
          cause = e;
        }
      }
      if (low >= next) {
        // Skip what was given up already (a failed send) before deciding to wait.
        if (stopped !== undefined || next >= n) break;
        continue;
      }
      reading ??= reader.next();
      // After an overrun the answers still missing may be lost: wait less for them (the watchdog's limit).
      const got = await watchdog.race(reading);
      if (got === TIMED_OUT) {
        lastAnswer = Date.now();
        giveUp(low, next);
        low = next;
        if (!lossy) stopped ??= 'timeout';
        lossy = false;
        progress(true);
        continue;
      }
      reading = undefined;
      lastAnswer = Date.now();
      if (got.done) {
        giveUp(low, next);
        low = next;
        stopped ??= 'closed';
        break;
      }
      // This datagram, then whatever else the transport already holds (the ACKs of a datagram's requests come one datagram each).
      for (let inbound: Inbound | undefined = got.value; inbound !== undefined; inbound = low < next ? transport.takeNow?.() : undefined) {
        if (isOverrun(inbound)) {
          // The ACKs did not fit the socket's receive buffer: fewer outstanding from now on.
          overruns++;
          lossy = true;
          watchdog.rearm();
          window = Math.max(1, window >> 1);
          perDatagram = Math.min(perDatagram, window);
        } else if (inbound.group === 0) answer(inbound.bytes);
        while (low < next && status[low] !== PENDING) low++;
      }
      if (low === next) lossy = false; // every answer accounted for
      progress(false);
    }
  } catch (e) {
    // A malformed datagram or a failing stream: what is outstanding stays unknown.
    giveUp(low, next);
    stopped ??= 'transport-error';
    cause ??= e;
  }
  watchdog.stop();
  progress(true);
  return new ApplyReport({ status, errors, datagrams, overruns, durationMs: Date.now() - started, stopped, cause });
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Races reads against a reply timeout with one timer for many reads. The
 * timer is armed for the current limit past the last answer; when it fires
 * early (answers came meanwhile) it re-arms for the rest; when the limit has
 * really passed, the read being waited for gives {@link TIMED_OUT}. Nothing
 * long-lived is raced against, so nothing piles up per read.
 */
class Watchdog {
  readonly #limit: () => number;
  readonly #last: () => number;
  #timer: unknown;
  /** Settles the read being waited for, if any. */
  #expire: ((v: typeof TIMED_OUT) => void) | undefined;

  constructor(limit: () => number, last: () => number) {
    this.#limit = limit;
    this.#last = last;
  }

  /** `p`, or {@link TIMED_OUT} once no answer came for the limit (the promise is left running: the caller keeps it). */
  race<T>(p: Promise<T>): Promise<T | typeof TIMED_OUT> {
    if (!Number.isFinite(this.#limit())) return p;
    const raced = new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
      this.#expire = resolve;
      p.then(resolve, reject);
    });
    if (this.#timer === undefined) this.#arm();
    return raced;
  }

  stop(): void {
    if (this.#timer !== undefined) timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The limit changed: count it anew from the last answer. */
  rearm(): void {
    if (this.#timer === undefined) return;
    this.stop();
    this.#arm();
  }

  #arm(): void {
    const left = this.#last() + this.#limit() - Date.now();
    if (left > 0) {
      this.#timer = timers.setTimeout(() => this.#arm(), left);
      return;
    }
    this.#timer = undefined;
    const expire = this.#expire;
    this.#expire = undefined;
    expire?.(TIMED_OUT);
  }
}

/** The `NetlinkError` of the `NLMSG_ERROR` at `offset`, labelled with request `index`'s operation. */
function refusal(batch: Batch, index: number, view: DataView, offset: number, seq: number): NetlinkError {
  let m: ErrorMessage;
  try {
    m = decodeMessageAt(routeFamily, view, offset) as ErrorMessage;
  } catch {
    // An error whose echo or extended ACK is malformed still has its errno.
    return new NetlinkError({ errno: view.getInt32(offset + 16, HOST_LE), seq, operation: batch.describe(index) });
  }
  const requestType = m.header.msg.type;
  const entry = routeFamily.byType(requestType);
  return new NetlinkError({
    errno: m.header.error,
    extack: toExtAck(m.attrs),
    seq,
    requestType,
    ...(entry ? { requestName: entry.name } : {}),
    operation: batch.describe(index),
  });
}

function positive(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}
