/**
 * Codecs specialised once per attribute set and per struct: the
 * declaration turned into straight-line JavaScript, made with `new
 * Function` once the set has coded a few values (see
 * {@link SpecialisedCodecsOptions.after}): encoders of sets and structs, the
 * decoder of sets (a `switch` on the attribute number, values stored by
 * name) and the reader of structs (one object literal).
 * The interpreted codecs stay, and they alone raise errors: a specialised
 * one gives up on anything it is not sure of, and the interpreted one then
 * runs from the start.
 *
 * Where code cannot be made (a Content-Security-Policy without
 * `unsafe-eval`, some edge runtimes), everything runs interpreted, with the
 * same output.
 *
 * Internal: not exported from the package, except the switch
 * {@link setSpecialisedCodecs} (`@nlkit/core`).
 */

import type { Codec, Scope } from './codec.js';

let enabled = true;
/** Values a set, struct or message type codes interpreted before its code is made. */
let threshold = 32;

/** Options of {@link setSpecialisedCodecs}. */
export interface SpecialisedCodecsOptions {
  /**
   * How many values an attribute set or struct encodes (or decodes), or
   * messages of a type are sized, the interpreted way before their
   * specialised code is made (default 32). Making
   * code costs a fraction of a millisecond per set, more than a program that
   * decodes a few messages saves; 0 makes it at the first value.
   */
  after?: number;
}

/**
 * Turns the specialised codecs on (the default) or off. Off, every encode
 * and decode runs the interpreted codecs, which give the same bytes, values
 * and errors: for tests that compare the two, and for measuring them.
 */
export function setSpecialisedCodecs(on: boolean, options: SpecialisedCodecsOptions = {}): void {
  enabled = on;
  if (options.after !== undefined) {
    if (!Number.isInteger(options.after) || options.after < 0) throw new RangeError('after must be a non-negative integer');
    threshold = options.after;
  }
}

/** Whether specialised codecs are in use (see {@link setSpecialisedCodecs}). */
export function specialisedCodecs(): boolean {
  return enabled;
}

/** How many values a set codes before its code is made (see {@link SpecialisedCodecsOptions.after}). */
export function specialisedAfter(): number {
  return threshold;
}

let unavailable = false;

/**
 * `new Function(...params, body)` called with `args`, or null when no code
 * can be made (a runtime that refuses is never asked again).
 */
export function makeCode<T>(params: readonly string[], body: string, args: readonly unknown[]): T | null {
  if (unavailable) return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return (new Function(...params, body) as (...a: unknown[]) => T)(...args);
  } catch (e) {
    // Refused by the runtime: never asked again. Anything else would be a
    // fault of the generator; the interpreted codecs give the same results.
    if (e instanceof EvalError) unavailable = true;
    return null;
  }
}

/**
 * The pieces of generated code an attribute set's specialised encoder is
 * made of (attrs.ts), for the set's own encoder and for a message's
 * (message-encoder.ts). The code reads the set's value from `value` and the
 * scope around it from `scope`, takes the set's encoders as `E`, and gives
 * up with `return -1`:
 * - `consts`: the codecs, read once (`c0`, `c1`, ...);
 * - `declare`, `gather`: a local per attribute (`v0`, `v1`, ...) and the
 *   walk over `value`'s keys that fills them (and `p`, a temporary);
 * - `inner`: the scope the attributes' codecs get (`inner`): `scope`
 *   itself, or (`deferred`: an attribute's codec reads its siblings) a
 *   level with `value` in it;
 * - `size`: adds each attribute's bytes to `n` (`t` a temporary);
 * - `write`: writes each at `pos` of `view` and moves `pos` on (`n`, `t` temporaries).
 *
 * Made with `selectorAt` (an expression for the value of a selector, as a
 * walk up `inner` would find it), kind-dependent payloads pick their case
 * with it, and the code also takes {@link variantCodes} as `VARIANT`.
 */
export interface SetEncoderCode {
  /** What the code reads as `E`. */
  readonly args: readonly unknown[];
  readonly consts: readonly string[];
  readonly declare: string;
  readonly gather: readonly string[];
  readonly inner: string;
  readonly deferred: boolean;
  readonly size: readonly string[];
  readonly write: readonly string[];
}

/**
 * The pieces of generated code a struct's specialised encoder is made of
 * (struct.ts), for the struct's own encoder and for a message's. The code
 * reads the struct's value from `value`, the scope from `scope`, writes at
 * `offset` of `view`, takes the fields as `F`, and gives up with `fail`:
 * - `consts`: the fields' codecs (`f0`, ...) and `own` (`hasOwnProperty`);
 * - `check`: the walk over `value`'s keys that gives up where `size` would
 *   not accept the value (an own key that is no field, a value a field refuses);
 * - `zero`: zeroes the struct's bytes;
 * - `write`: the walk over `value`'s keys that stores each field present.
 */
export interface StructEncoderCode {
  /** What the code reads as `F`. */
  readonly args: readonly unknown[];
  readonly consts: readonly string[];
  readonly check: readonly string[];
  readonly zero: readonly string[];
  readonly write: readonly string[];
  /** The struct's size in bytes. */
  readonly size: number;
}

/**
 * What generated code needs of a kind-dependent payload (`variant` in
 * attrs.ts) to pick its case from a selector it has found itself rather
 * than by walking the scope: the variant's own `size` and `write` are these
 * with `pick` of the selector found in the scope.
 */
export interface VariantCode {
  /** The key of the selector (`kind`, `family`). */
  readonly selector: string;
  /** Whether some case is a nested set (the attribute then has `NLA_F_NESTED` when that case is picked). */
  readonly mayNest: boolean;
  /** The case for a selector value (the fallback for any other). */
  pick(key: unknown): Codec<any, any>;
  size(c: Codec<any, any>, value: unknown, scope: Scope | undefined): number;
  write(c: Codec<any, any>, value: unknown, view: DataView, offset: number, scope: Scope | undefined): number | void;
}

/** Each variant's {@link VariantCode}, by codec; internal. */
export const variantCodes = new WeakMap<object, VariantCode>();

/**
 * Each attribute set's {@link SetEncoderCode} and each struct's
 * {@link StructEncoderCode}, by codec, made when first asked (null where
 * none can be). Filled as sets and structs are declared; internal.
 */
export const setEncoderCodes = new WeakMap<object, (selectorAt?: (selector: string) => string) => SetEncoderCode | null>();
export const structEncoderCodes = new WeakMap<object, (fail: string) => StructEncoderCode | null>();

/** Whether `value`'s prototype is `Object.prototype` or null: an object literal, `JSON.parse` output, `Object.create(null)`. */
export function isPlainObject(value: object): boolean {
  const p = Object.getPrototypeOf(value);
  return p === Object.prototype || p === null;
}

/** A property access for `key` in generated code (`.mtu` or `["x-y"]`). */
export function access(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
