/**
 * Encoders specialised once per attribute set and per struct: the set's
 * declaration turned into straight-line JavaScript, one property read and
 * one store per field, made with `new Function` the first time the set
 * encodes a value. The interpreted encoders stay, and they alone raise
 * errors: a specialised encoder gives up (returns -1) on anything it is not
 * sure of, and the interpreted one then runs from the start.
 *
 * Where code cannot be made (a Content-Security-Policy without
 * `unsafe-eval`, some edge runtimes), everything runs interpreted, with the
 * same output.
 *
 * Internal: not exported from the package, except the switch
 * {@link setSpecialisedEncoders} (`@nlkit/core`).
 */

let enabled = true;

/**
 * Turns the specialised encoders on (the default) or off. Off, every encode
 * runs the interpreted encoders, which give the same bytes and the same
 * errors: for tests that compare the two, and for measuring them.
 */
export function setSpecialisedEncoders(on: boolean): void {
  enabled = on;
}

/** Whether specialised encoders are in use (see {@link setSpecialisedEncoders}). */
export function specialisedEncoders(): boolean {
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
