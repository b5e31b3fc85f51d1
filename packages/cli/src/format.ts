/**
 * Output: aligned tables for people, JSON for scripts.
 */

/**
 * Lays `rows` out under `headers` in columns two spaces apart, left
 * aligned; the last column is not padded. Empty cells show as `-`.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === '' ? '-' : r[i]!)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/** JSON for decoded values: `bigint` as a number when it is exact (else a string), bytes as hex. */
export function toJson(value: unknown, indent: number | undefined = 2): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

/** The replacer of {@link toJson}. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return v;
}

/** `name=value` pairs of the non-empty cells of a row, for one-line output (`monitor`). */
export function pairs(headers: readonly string[], row: readonly string[]): string {
  return headers
    .map((h, i) => [h.toLowerCase(), row[i]] as const)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v!.includes(' ') ? JSON.stringify(v) : v}`)
    .join(' ');
}

/** The names of the bits set in `value`, from a table of name → bit. */
export function bitNames(value: number, table: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(table)) if (bit !== 0 && (value & bit) === bit) out.push(name);
  return out;
}

/** The name of `value` in a table of name → number, else the number. */
export function nameOf(value: number, table: Readonly<Record<string, number>>, fallback = String(value)): string {
  for (const [name, n] of Object.entries(table)) if (n === value) return name;
  return fallback;
}
