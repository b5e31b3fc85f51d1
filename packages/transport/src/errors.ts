/**
 * The errors of the protocol engine. The kernel's own refusals are
 * `NetlinkError` (from `@nlkit/core`); malformed replies are `NlDecodeError`.
 * These classes cover what the engine itself decides: a request given up
 * (timeout, abort), a channel gone, an inconsistent dump.
 *
 * `TimeoutError` and `AbortError` take the `name`s the web platform uses for
 * the same conditions (`DOMException` `"TimeoutError"`/`"AbortError"`), so
 * code that checks `err.name` works with them too; unlike `DOMException` they
 * carry the sequence number and operation of the request they ended.
 */

/** What the engine knows about the exchange an error ended. */
export interface ExchangeErrorInit {
  /** `nlmsg_seq` of the request (of the last attempt, for a retried dump). */
  seq?: number;
  /** The operation label (`RequestOptions.operation`, else the request's message name). */
  operation: string;
}

/**
 * A request or dump did not complete within its `timeoutMs`. Its sequence
 * number is retired: replies that still arrive are dropped and counted in
 * `ChannelStats.late`.
 */
export class TimeoutError extends Error {
  /** `"TimeoutError"`, as the web platform's `DOMException` for the same condition. */
  override readonly name = 'TimeoutError';
  /** `nlmsg_seq` of the request given up (of its last attempt, for a retried dump). */
  readonly seq: number | undefined;
  /** The operation label (`RequestOptions.operation`, else the request's message name). */
  readonly operation: string;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(init: ExchangeErrorInit & { timeoutMs: number }) {
    super(`${init.operation}: no complete reply within ${init.timeoutMs} ms${seqText(init.seq)}`);
    this.seq = init.seq;
    this.operation = init.operation;
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * A request or dump was cancelled through its `AbortSignal`. `cause` is the
 * signal's `reason`. As for {@link TimeoutError}, late replies are dropped.
 */
export class AbortError extends Error {
  /** `"AbortError"`, as the web platform's `DOMException` for the same condition. */
  override readonly name = 'AbortError';
  /** `nlmsg_seq` of the request cancelled, when it had been sent. */
  readonly seq: number | undefined;
  /** The operation label (`RequestOptions.operation`, else the request's message name). */
  readonly operation: string;

  constructor(init: ExchangeErrorInit & { reason: unknown }) {
    super(`${init.operation}: aborted${seqText(init.seq)}`, { cause: init.reason });
    this.seq = init.seq;
    this.operation = init.operation;
  }
}

/**
 * The channel was closed (by `close()`, or because the transport's stream
 * ended or failed) while a request was pending, or a request was made after
 * that. `cause` is the transport's error when it failed.
 */
export class ChannelClosedError extends Error {
  /** `"ChannelClosedError"`. */
  override readonly name = 'ChannelClosedError';

  constructor(message = 'netlink channel is closed', cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * A dump was inconsistent: the kernel set `NLM_F_DUMP_INTR` on at least one
 * of its messages (or on its `NLMSG_DONE`) because the objects changed while
 * it was being dumped, and the `retries` allowed were used up.
 */
export class DumpInterruptedError<T = unknown> extends Error {
  /** `"DumpInterruptedError"`. */
  override readonly name = 'DumpInterruptedError';
  /** Every message of the last attempt, up to its `NLMSG_DONE`: usable, but possibly stale or incomplete. */
  readonly partial: readonly T[];
  /** How many times the dump was run (1 + the retries used). */
  readonly attempts: number;
  /** `nlmsg_seq` of the last attempt. */
  readonly seq: number;
  /** The operation label (`RequestOptions.operation`, else the request's message name). */
  readonly operation: string;

  constructor(init: { partial: readonly T[]; attempts: number; seq: number; operation: string }) {
    const times = init.attempts === 1 ? 'once' : `${init.attempts} times`;
    super(`${init.operation}: dump interrupted by concurrent changes (NLM_F_DUMP_INTR), tried ${times}; ${init.partial.length} partial messages (seq ${init.seq})`);
    this.partial = init.partial;
    this.attempts = init.attempts;
    this.seq = init.seq;
    this.operation = init.operation;
  }
}

function seqText(seq: number | undefined): string {
  return seq === undefined ? '' : ` (seq ${seq})`;
}
