/**
 * Datagrams as readable text for failure messages: every message decoded
 * with the family and shown in its canonical raw JSON form (`toRaw`), one
 * attribute per line. Internal (not exported from the package).
 */
import {
  NLMSG_HDRLEN,
  NlDecodeError,
  copyBytes,
  decodeMessageAt,
  frames,
  stringifyRaw,
  toHex,
  toRaw,
  viewOf,
  type AnyFamily,
  type AnyMessage,
  type NlMsgHeader,
  type OpaqueMessage,
} from '@nlkit/core';

/** Lines longer than this are broken up. */
const WIDTH = 100;

/** One datagram, decoded as far as it can be. */
export interface ShownDatagram<F extends AnyFamily> {
  /**
   * The decoded messages. One the family cannot decode is an `UNKNOWN`
   * opaque message with its payload; bytes that cannot be framed at all are
   * left out (their hex appears in {@link lines}).
   */
  readonly messages: AnyMessage<F>[];
  /** The raw forms without `seq` and `pid`, as indented JSON lines: a single object for a one-message datagram, else an array. */
  readonly lines: string[];
}

/** Decodes `bytes` with `family` for display; never throws for malformed input. */
export function showDatagram<F extends AnyFamily>(family: F, bytes: Uint8Array): ShownDatagram<F> {
  const view = viewOf(bytes);
  const messages: AnyMessage<F>[] = [];
  const raws: unknown[] = [];
  try {
    for (const { header, offset } of frames(view)) {
      try {
        const message = decodeMessageAt(family, view, offset);
        messages.push(message);
        const { seq: _seq, pid: _pid, ...raw } = toRaw(family, message);
        raws.push(raw);
      } catch (e) {
        if (!(e instanceof NlDecodeError)) throw e;
        const message = opaque(header, copyBytes(view, offset + NLMSG_HDRLEN, header.len - NLMSG_HDRLEN));
        messages.push(message);
        raws.push({ type: header.type, flags: header.flags, payload: toHex(message.payload), undecodable: e.message });
      }
    }
  } catch (e) {
    if (!(e instanceof NlDecodeError)) throw e;
    raws.push({ unframed: toHex(bytes.subarray(e.offset)), error: e.message });
  }
  return { messages, lines: pretty(raws.length === 1 ? raws[0] : raws, '', 0).split('\n') };
}

/** `bytes` as hex, 16 bytes a line after a 4-digit offset. */
export function hexLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const hex = toHex(bytes.subarray(o, o + 16)).replace(/(..)(?!$)/g, '$1 ');
    lines.push(`${o.toString(16).padStart(4, '0')}  ${hex}`);
  }
  return lines;
}

/**
 * A JSON-ish value (as `stringifyRaw` takes: `bigint`s allowed) as text that
 * keeps short values on one line and breaks long arrays and objects one item
 * a line. A list of several `[name, value]` pairs (attributes in the raw
 * form), and whatever holds one, is always broken, one pair a line, and a
 * pair keeps its name on the line that opens its value: every attribute
 * line names its attribute.
 */
export function pretty(value: unknown, indent: string, column: number): string {
  const flat = compact(value);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return flat;
  if (column + flat.length <= WIDTH && !holdsAttrList(value)) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 2 && typeof value[0] === 'string') {
      const head = `[${compact(value[0])}, `;
      return `${head}${pretty(value[1], indent, column + head.length)}]`;
    }
    return `[\n${value.map((v) => `${inner}${pretty(v, inner, inner.length)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const body = entries.map(([k, v]) => {
    const key = `${inner}${JSON.stringify(k)}: `;
    return `${key}${pretty(v, inner, key.length)}`;
  });
  return `{\n${body.join(',\n')}\n${indent}}`;
}

/** True when `value` is, or holds at any depth, an array of two or more `[string, value]` pairs. */
function holdsAttrList(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  if (Array.isArray(value) && value.length >= 2 && value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) return true;
  return Object.values(value).some(holdsAttrList);
}

/** One-line text of a value: JSON with a space after `,` and `:`, `bigint`s as integers, byte arrays as hex strings. */
function compact(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(toHex(value));
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`).join(', ')}}`;
  }
  return value === undefined ? 'undefined' : stringifyRaw(value);
}

/** A message kept as bytes, as decode gives for a type the family does not declare. */
function opaque(header: NlMsgHeader, payload: Uint8Array): OpaqueMessage {
  return { name: 'UNKNOWN', type: header.type, flags: header.flags, seq: header.seq, pid: header.pid, header: {}, attrs: {}, payload };
}
