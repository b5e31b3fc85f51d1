/**
 * The errors the test transports raise, each carrying what a failing test
 * needs to explain itself.
 */
import type { AnyFamily, AnyMessage } from '@nlkit/core';

/**
 * A `FakeTransport` received a request that no handler matches (and its
 * `unmatched` option is `'reject'`, the default): the `send()` rejects with
 * it, so the request or dump that sent it does too. The message shows the
 * decoded request and the handlers that were tried.
 */
export class UnmatchedRequestError<F extends AnyFamily = AnyFamily> extends Error {
  /** `"UnmatchedRequestError"`. */
  override readonly name = 'UnmatchedRequestError';
  /** The decoded request. */
  readonly request: AnyMessage<F>;
  /** The request's bytes (this message only). */
  readonly bytes: Uint8Array;

  constructor(init: { request: AnyMessage<F>; bytes: Uint8Array; message: string }) {
    super(init.message);
    this.request = init.request;
    this.bytes = init.bytes;
  }
}

/**
 * A `ReplayTransport` received a request that differs from the recorded one
 * it should match (ignoring sequence numbers and port ids), or one more
 * request than the capture holds. `send()` rejects with it, and a macrotask
 * later the transport's receive stream fails with it too, so everything
 * waiting on the replay (pending requests, event streams) fails rather than
 * hangs. The message holds a line diff of the two requests' raw JSON forms.
 */
export class ReplayMismatchError<F extends AnyFamily = AnyFamily> extends Error {
  /** `"ReplayMismatchError"`. */
  override readonly name = 'ReplayMismatchError';
  /** Which recorded request it was compared with (0-based, in capture order); undefined when every one had been consumed. */
  readonly index: number | undefined;
  /**
   * The recorded request's messages, decoded (undefined when none was left).
   * Messages the family cannot decode appear as `UNKNOWN` with their payload.
   */
  readonly expected: readonly AnyMessage<F>[] | undefined;
  /** The request sent, decoded, as for {@link expected}. */
  readonly actual: readonly AnyMessage<F>[];
  /** The recorded request datagram (undefined when none was left). */
  readonly expectedBytes: Uint8Array | undefined;
  /** The datagram sent. */
  readonly actualBytes: Uint8Array;
  /** The diff alone: `-` lines from the capture, `+` lines from the request sent. Empty when nothing was left to compare with. */
  readonly diff: string;

  constructor(init: {
    message: string;
    index: number | undefined;
    expected: readonly AnyMessage<F>[] | undefined;
    actual: readonly AnyMessage<F>[];
    expectedBytes: Uint8Array | undefined;
    actualBytes: Uint8Array;
    diff: string;
  }) {
    super(init.message);
    this.index = init.index;
    this.expected = init.expected;
    this.actual = init.actual;
    this.expectedBytes = init.expectedBytes;
    this.actualBytes = init.actualBytes;
    this.diff = init.diff;
  }
}

/**
 * `assertDone()` found the script unfinished: a `FakeTransport` with
 * requests no handler matched, responders that threw, or handlers given
 * `times` not yet used up; a strict `ReplayTransport` with recorded requests
 * never sent. `problems` lists them, one line each.
 */
export class NotDoneError extends Error {
  /** `"NotDoneError"`. */
  override readonly name = 'NotDoneError';
  /** What is unfinished, one line each (also in the message, as a list). */
  readonly problems: readonly string[];

  constructor(what: string, problems: readonly string[]) {
    super(`${what} is not done:\n${problems.map((p) => `- ${p.replace(/\n/g, '\n  ')}`).join('\n')}`);
    this.problems = problems;
  }
}
