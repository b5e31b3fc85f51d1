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

let enabled = true;
/** Values a set or struct codes interpreted before its code is made. */
let threshold = 32;

/** Options of {@link setSpecialisedCodecs}. */
export interface SpecialisedCodecsOptions {
  /**
   * How many values an attribute set or struct encodes (or decodes) the
   * interpreted way before its specialised code is made (default 32). Making
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

/** Whether `value`'s prototype is `Object.prototype` or null: an object literal, `JSON.parse` output, `Object.create(null)`. */
export function isPlainObject(value: object): boolean {
  const p = Object.getPrototypeOf(value);
  return p === Object.prototype || p === null;
}

/** A property access for `key` in generated code (`.mtu` or `["x-y"]`). */
export function access(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
