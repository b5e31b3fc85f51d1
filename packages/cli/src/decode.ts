/**
 * `nlkit decode FILE`: a capture (pcap/pcapng, ours or `tcpdump -i
 * nlmon0`'s), a hex dump, or raw netlink bytes, decoded as readable text or
 * as the canonical raw JSON.
 */
import { readFile } from 'node:fs/promises';
import { isCapture, routeFamily } from '@nlkit/batch';
import {
  NLM_F, NlDecodeError, decodeMessages, errnoDescription, errnoName, stringifyRaw, toRaw,
  type AnyFamily, type Json, type RawMessage,
} from '@nlkit/core';
import { CaptureFormatError, inferDirection, parseCapture, type Direction } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';
import { tc } from '@nlkit/tc';
import { CliError, EXIT } from './errors.js';
import type { Context } from './context.js';

/** The families `--family` names; `route` (the default) is rtnl and tc together. */
export const FAMILIES: Readonly<Record<string, AnyFamily>> = { route: routeFamily, rtnl, tc };

/** One datagram to decode. */
interface Datagram {
  direction: Direction | 'unknown';
  /** The direction was guessed from `NLM_F_REQUEST` (the input did not say). */
  inferred: boolean;
  protocol: number | undefined;
  data: Uint8Array;
  /** Where the datagram starts in the input. */
  offset: number;
  time?: string;
  comment?: string;
}

/** One frame of `--format raw`: the canonical form the fixtures store (`test/fixture-lib.ts` `deriveFrames`). */
export interface RawFrame {
  direction: Direction | 'unknown';
  /** Present (true) when the input did not record the direction and it was guessed from `NLM_F_REQUEST`. */
  inferred?: true;
  messages: RawMessage[];
}

/** Reads FILE (`-` for standard input) as bytes. */
async function readInput(ctx: Context, file: string): Promise<Uint8Array> {
  try {
    if (file === '-') return await ctx.io.readStdin();
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new CliError(code === 'EACCES' || code === 'EPERM' ? EXIT.PERMISSION : EXIT.INPUT, `${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** True when every byte is printable ASCII or whitespace: a hex dump rather than binary. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) if (!(b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return false;
  return true;
}

/**
 * Reads a hex dump: hex digits with any spacing, `0x`/`\x` prefixes and
 * commas; an `OFFSET:` at the start of a line and `#` comments are ignored.
 * Blank lines separate datagrams.
 */
export function parseHexDump(text: string, file: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let hex = '';
  const flush = (): void => {
    if (hex.length === 0) return;
    if (hex.length % 2) throw new CliError(EXIT.INPUT, `${file}: odd number of hex digits in datagram ${out.length + 1}`);
    out.push(Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16)));
    hex = '';
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').replace(/^\s*[0-9a-f]+:\s/i, ' ');
    if (line.trim() === '') return flush();
    const cleaned = line.replace(/0x|\\x/gi, ' ').replace(/[\s,:]+/g, '');
    const bad = cleaned.search(/[^0-9a-f]/i);
    if (bad >= 0) throw new CliError(EXIT.INPUT, `${file}: line ${i + 1}: "${cleaned[bad]}" is not a hex digit (not a capture, a hex dump or netlink bytes)`);
    hex += cleaned;
  });
  flush();
  return out;
}

/** The datagrams of the input, whatever its form. */
function datagrams(bytes: Uint8Array, file: string): { datagrams: Datagram[]; truncated?: CaptureFormatError } {
  if (isCapture(bytes)) {
    let parsed;
    try {
      // A truncated tail still lets the frames before it be shown; the problem is reported after them.
      parsed = parseCapture(bytes, { nonNetlink: 'skip', allowTruncation: true });
    } catch (e) {
      if (e instanceof CaptureFormatError) throw captureError(file, e);
      throw e;
    }
    const list = parsed.packets.map((p): Datagram => {
      const inferred = p.direction === 'unknown';
      const direction = inferred ? inferDirection(p.data) : p.direction;
      const iso = new Date(p.timestamp.seconds * 1000 + Math.floor(p.timestamp.nanoseconds / 1e6)).toISOString();
      if (p.originalLength > p.data.length) {
        throw new CliError(EXIT.INPUT, `${file}: packet at byte offset ${p.data.byteOffset - bytes.byteOffset} was cut to ${p.data.length} of ${p.originalLength} bytes by the capture's snapshot length`);
      }
      return { direction, inferred, protocol: p.protocol, data: p.data, offset: p.data.byteOffset - bytes.byteOffset, time: iso, ...(p.comment ? { comment: p.comment } : {}) };
    });
    return { datagrams: list, ...(parsed.truncation ? { truncated: parsed.truncation } : {}) };
  }
  const chunks = isText(bytes) ? parseHexDump(new TextDecoder().decode(bytes), file) : [bytes];
  let offset = 0;
  return {
    datagrams: chunks.map((data) => {
      const d: Datagram = { direction: inferDirection(data), inferred: true, protocol: undefined, data, offset };
      offset += data.length;
      return d;
    }),
  };
}

function captureError(file: string, e: CaptureFormatError): CliError {
  const what = e.code === 'truncated' ? 'truncated capture' : e.code === 'bad-magic' ? 'not a capture' : 'corrupt capture';
  return new CliError(EXIT.INPUT, `${file}: ${what}: ${e.reason} (byte offset ${e.offset})`, { cause: e });
}

/** `nlmsg_flags` as names, by what the message is. */
export function flagNames(name: string, flags: number): string {
  const out: string[] = [];
  const base: [number, string][] = [[NLM_F.REQUEST, 'REQUEST'], [NLM_F.MULTI, 'MULTI'], [NLM_F.ACK, 'ACK'], [NLM_F.ECHO, 'ECHO'], [NLM_F.DUMP_INTR, 'DUMP_INTR'], [NLM_F.DUMP_FILTERED, 'DUMP_FILTERED']];
  let mods: [number, string][] = [];
  if (name === 'NLMSG_ERROR') mods = [[NLM_F.CAPPED, 'CAPPED'], [NLM_F.ACK_TLVS, 'ACK_TLVS']];
  else if (name === 'NLMSG_DONE') mods = [[NLM_F.ACK_TLVS, 'ACK_TLVS']];
  else if (/^RTM_GET/.test(name)) mods = (flags & NLM_F.DUMP) === NLM_F.DUMP ? [[NLM_F.DUMP, 'DUMP'], [NLM_F.ATOMIC, 'ATOMIC']] : [[NLM_F.ROOT, 'ROOT'], [NLM_F.MATCH, 'MATCH'], [NLM_F.ATOMIC, 'ATOMIC']];
  else if (/^RTM_DEL/.test(name)) mods = [[NLM_F.NONREC, 'NONREC'], [NLM_F.BULK, 'BULK']];
  else if (/^RTM_(NEW|SET)/.test(name)) mods = [[NLM_F.REPLACE, 'REPLACE'], [NLM_F.EXCL, 'EXCL'], [NLM_F.CREATE, 'CREATE'], [NLM_F.APPEND, 'APPEND']];
  let rest = flags;
  for (const [bit, n] of [...base, ...mods]) {
    if ((rest & bit) === bit && bit !== 0) {
      out.push(n);
      rest &= ~bit;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.length ? out.join('|') : '0';
}

/** A list of `[NAME, value]` pairs (a nest in the raw form). */
function isPairs(v: Json): v is [string, Json][] {
  return Array.isArray(v) && v.length > 0 && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && /^[A-Z0-9_]+$/.test(e[0]));
}

function scalar(v: Json): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${scalar(x)}`).join(', ')} }`;
}

/** The text form of one raw message, indented. */
function messageText(m: RawMessage, indent: string): string {
  const lines: string[] = [];
  const name = String(m.type);
  let head = `${indent}${typeof m.type === 'number' ? `type ${m.type} (unknown)` : name}  seq=${m.seq} pid=${m.pid} flags=${flagNames(name, m.flags)}`;
  if (name === 'NLMSG_ERROR' || (name === 'NLMSG_DONE' && m.fields.error !== undefined)) {
    const err = m.fields.error as number;
    head += err === 0 ? '  ACK' : `  ${errnoName(err)} (${errnoDescription(err)})`;
    const req = m.fields.msg as Record<string, number> | undefined;
    if (req) {
      const reqName = routeFamily.byType(req.nlmsg_type)?.name ?? `type ${req.nlmsg_type}`;
      head += `  for ${reqName} seq=${req.nlmsg_seq}`;
    }
  }
  lines.push(head);
  const inner = `${indent}    `;
  if (name !== 'NLMSG_ERROR') {
    const fields = Object.entries(m.fields).map(([k, v]) => `${k}=${scalar(v)}`);
    if (fields.length) lines.push(`${inner}${fields.join(' ')}`);
  }
  const walk = (pairs: Json[], at: string): void => {
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) {
        lines.push(`${at}${scalar(p)}`);
        continue;
      }
      const [k, v] = p as [Json, Json];
      const label = typeof k === 'string' ? k : `attribute ${String(k)}`;
      if (isPairs(v)) {
        lines.push(`${at}${label}`);
        walk(v, `${at}    `);
      } else lines.push(`${at}${label} ${scalar(v)}`);
    }
  };
  walk(m.attrs, inner);
  if (m.payload !== undefined && m.payload.length) lines.push(`${inner}payload ${m.payload.length / 2} bytes: ${m.payload.length > 128 ? `${m.payload.slice(0, 128)}…` : m.payload}`);
  return lines.join('\n');
}

/** Options of `nlkit decode`. */
export interface DecodeOptions {
  format: 'text' | 'raw';
  family: AnyFamily;
}

/**
 * Decodes FILE to `ctx.io`: each datagram with its direction, then its
 * messages. A corrupt message is reported with its byte offset and the
 * command exits 3 after printing what it could (text) or at once (raw).
 */
export async function runDecode(ctx: Context, file: string, options: DecodeOptions): Promise<void> {
  const bytes = await readInput(ctx, file);
  if (bytes.length === 0) throw new CliError(EXIT.INPUT, `${file}: empty input`);
  const { datagrams: list, truncated } = datagrams(bytes, file);
  if (truncated && options.format === 'raw') throw captureError(file, truncated);
  const raw: RawFrame[] = [];
  let broken: string | undefined;
  list.forEach((d, i) => {
    const fam = d.protocol === undefined || d.protocol === options.family.protocol ? options.family : undefined;
    let messages: RawMessage[] | undefined;
    let error: string | undefined;
    if (fam) {
      try {
        messages = JSON.parse(stringifyRaw(decodeMessages(fam, d.data).map((m) => toRaw(fam, m)))) as RawMessage[];
      } catch (e) {
        if (!(e instanceof NlDecodeError)) throw e;
        error = `${file}: frame ${i + 1}: malformed netlink message: ${e.reason}${e.path.length ? ` at ${e.path.join(' > ')}` : ''} (byte offset ${d.offset + e.offset} in the input, ${e.offset} in the frame)`;
      }
    }
    if (options.format === 'raw') {
      if (error) throw new CliError(EXIT.INPUT, error);
      raw.push({ direction: d.direction, ...(d.inferred ? { inferred: true as const } : {}), messages: messages ?? [] });
      return;
    }
    const dir = `${d.direction}${d.inferred && d.direction !== 'unknown' ? ' (inferred)' : ''}`;
    const proto = d.protocol !== undefined && d.protocol !== options.family.protocol ? `  protocol ${d.protocol} (not decoded)` : '';
    ctx.io.out(`frame ${i + 1}  ${dir}  ${d.data.length} bytes${d.time ? `  ${d.time}` : ''}${d.comment ? `  [${d.comment}]` : ''}${proto}\n`);
    if (messages) for (const m of messages) ctx.io.out(messageText(m, '  ') + '\n');
    if (error) {
      ctx.io.out(`  ! ${error.slice(file.length + 2)}\n`);
      broken ??= error;
    }
  });
  if (options.format === 'raw') ctx.io.out(stringifyRaw(raw, 1) + '\n');
  if (broken) throw new CliError(EXIT.INPUT, broken);
  if (truncated) throw captureError(file, truncated);
}
