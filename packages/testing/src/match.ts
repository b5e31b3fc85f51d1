/**
 * Matching decoded requests against what a test expects: a message name, a
 * partial object or a predicate.
 */
import type { AnyFamily, AnyMessage, MessageOf } from '@nlkit/core';
import type { MessageName } from '@nlkit/transport';
import { pretty } from './format.js';

/**
 * `T` with every property optional, at every depth. Arrays keep their
 * length but their elements are partial too; byte arrays are compared whole.
 */
export type DeepPartial<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepPartial<E>[]
    : T extends object
      ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/**
 * A partial decoded request of message type `N`: its name, and whichever
 * flag bits, header fields and attributes it should have (see
 * {@link matchesPattern}).
 *
 * ```ts
 * { name: 'RTM_NEWLINK', flags: NLM_F.CREATE, attrs: { ifname: 'dummy0', linkinfo: { kind: 'dummy' } } }
 * ```
 */
export interface MessagePatternOf<F extends AnyFamily, N extends MessageName<F>> {
  /** The message name the request must have (its `nlmsg_type`, as `RTM_NEWLINK`). */
  readonly name: N;
  /** `nlmsg_flags` bits that must be set (others may be set too). */
  readonly flags?: number;
  /** Fixed-header fields the request must have (`struct ifinfomsg` for links, ...); fields left out match anything. */
  readonly header?: DeepPartial<MessageOf<F, N>['header']>;
  /** Attributes the request must carry, with these values (nested attributes compared the same way); others may be present. */
  readonly attrs?: DeepPartial<MessageOf<F, N>['attrs']>;
}

/** A {@link MessagePatternOf} for any message type of family `F`. */
export type MessagePattern<F extends AnyFamily> = { [N in MessageName<F>]: MessagePatternOf<F, N> }[MessageName<F>];

/**
 * What selects requests: a message name (`'RTM_GETLINK'`), a
 * {@link MessagePattern}, or a predicate over the decoded request.
 */
export type RequestMatcher<F extends AnyFamily> = MessageName<F> | MessagePattern<F> | ((request: AnyMessage<F>) => boolean);

/**
 * True when `message` has the pattern's name, every flag bit of its `flags`,
 * and header fields and attributes that match the pattern's (see
 * {@link matchesPartial}).
 */
export function matchesPattern<F extends AnyFamily>(message: AnyMessage<F>, pattern: MessagePattern<F>): boolean {
  if (message.name !== pattern.name) return false;
  if (pattern.flags !== undefined && (message.flags & pattern.flags) !== pattern.flags) return false;
  return (
    (pattern.header === undefined || matchesPartial(message.header, pattern.header)) &&
    (pattern.attrs === undefined || matchesPartial(message.attrs, pattern.attrs))
  );
}

/** True when `request` is selected by `matcher`. */
export function matchesRequest<F extends AnyFamily>(request: AnyMessage<F>, matcher: RequestMatcher<F>): boolean {
  if (typeof matcher === 'string') return request.name === matcher;
  if (typeof matcher === 'function') return matcher(request);
  return matchesPattern(request, matcher);
}

/**
 * Partial deep equality: every property of `expected` must match the same
 * property of `actual` (which may have more); arrays must have the same
 * length and match element by element; byte arrays must hold the same bytes;
 * other values must be identical (`Object.is`), so `1` does not match `1n`.
 * An `undefined` property in `expected` requires the property to be absent.
 */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === expected.length && expected.every((b, i) => actual[i] === b);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesPartial(actual[i], e));
  }
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  return Object.entries(expected).every(([k, e]) => matchesPartial(a[k], e));
}

/** A matcher as text, for failure messages. */
export function describeMatcher<F extends AnyFamily>(matcher: RequestMatcher<F>): string {
  if (typeof matcher === 'string') return matcher;
  if (typeof matcher === 'function') return `predicate ${matcher.name || '(anonymous)'}`;
  return pretty(matcher, '', 0);
}
