/**
 * Codecs specialised once per attribute set and per struct: the
 * declaration turned into straight-line JavaScript, made with `new
 * Function` the first time it is needed: encoders of sets and structs, the
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

/**
 * Turns the specialised codecs on (the default) or off. Off, every encode
 * and decode runs the interpreted codecs, which give the same bytes, values
 * and errors: for tests that compare the two, and for measuring them.
 */
export function setSpecialisedCodecs(on: boolean): void {
  enabled = on;
}

/** Whether specialised codecs are in use (see {@link setSpecialisedCodecs}). */
export function specialisedCodecs(): boolean {
  return enabled;
}

let unavailable = false;

/**
 * `new Function(...params, body)` called with `args`, or null when the
 * runtime refuses to make code (then never tried again).
 */
export function makeCode<T>(params: readonly string[], body: string, args: readonly unknown[]): T | null {
  if (unavailable) return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return (new Function(...params, body) as (...a: unknown[]) => T)(...args);
  } catch (e) {
    if (e instanceof EvalError) {
      unavailable = true;
      return null;
    }
    throw e;
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
