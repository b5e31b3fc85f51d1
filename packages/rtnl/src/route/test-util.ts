/// <reference types="node" />
/**
 * Test helpers: throwaway network namespaces, and iproute2 commands run under
 * strace to capture the netlink bytes they send and the kernel's replies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HOST_LE, decodeMessages, encodeMessage, toHex, type AnyMessage, type Family, type MessageOf } from '@nlkit/core';

/** True when the live tests can run: as root (they need `ip`, `bridge` and `strace`, and fail without them). */
export const canRunLive: boolean = process.getuid?.() === 0;
if (process.getuid?.() !== 0 && process.env['CI'] === 'true') throw new Error('live tests must run as root under CI=true; they skip only outside CI');


/** Runs `ip ARGS...` (setup, not captured); throws with its stderr on failure. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The ifindex of device `dev` in namespace `ns`. */
export function ifindex(ns: string, dev: string): number {
  return (JSON.parse(ip('-n', ns, '-j', 'link', 'show', 'dev', dev)) as { ifindex: number }[])[0]!.ifindex;
}

/** Creates a namespace `nlkit-test-<random>`, runs `fn` with its name, and always deletes it. */
export async function withNetns<T>(fn: (ns: string) => T | Promise<T>): Promise<T> {
  const ns = `nlkit-test-${randomBytes(4).toString('hex')}`;
  ip('netns', 'add', ns);
  try {
    return await fn(ns);
  } finally {
    ip('netns', 'del', ns);
  }
}

/** One `sendmsg`/`sendto` or `recvmsg`/`recvfrom` on a socket, with its data. */
export interface Transfer {
  dir: 'sent' | 'received';
  data: Uint8Array;
}

/** What a command run under strace did. */
export interface Capture {
  status: number | null;
  stdout: string;
  stderr: string;
  transfers: Transfer[];
}

const SYSCALL = /^(sendmsg|sendto|recvmsg|recvfrom)\(/;
const HEXLINE = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})/;

/**
 * Parses strace output written with `-e write=all -e read=all`: each traced
 * call is followed by ` | 00000  xx xx ...` hex lines of its data. Peeks
 * (`MSG_PEEK`, iproute2 sizing its buffer) are skipped.
 */
export function parseStrace(text: string): Transfer[] {
  const out: Transfer[] = [];
  let cur: { dir: Transfer['dir']; bytes: number[] } | undefined;
  const flush = (): void => {
    if (cur && cur.bytes.length) out.push({ dir: cur.dir, data: Uint8Array.from(cur.bytes) });
    cur = undefined;
  };
  for (const line of text.split('\n')) {
    const call = SYSCALL.exec(line);
    if (call) {
      flush();
      if (!line.includes('MSG_PEEK')) cur = { dir: call[1]!.startsWith('send') ? 'sent' : 'received', bytes: [] };
      continue;
    }
    const hex = HEXLINE.exec(line);
    if (hex && cur) for (const h of hex[1]!.trim().split(/\s+/)) cur.bytes.push(parseInt(h, 16));
    else if (!line.startsWith(' * ')) flush();
  }
  flush();
  return out;
}

/** Runs a command under strace, capturing the data of its socket sends and receives. */
export function capture(argv: string[]): Capture {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-strace-'));
  const file = join(dir, 'trace');
  try {
    const r = spawnSync(
      'strace',
      ['-qq', '-e', 'trace=sendmsg,sendto,recvmsg,recvfrom', '-e', 'write=all', '-e', 'read=all', '-s', '0', '-o', file, ...argv],
      { encoding: 'utf8' },
    );
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, transfers: parseStrace(readFileSync(file, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The netlink messages in a datagram as the kernel reads them: framed by
 * `nlmsg_len`, stopping at the first header too short to be one (iproute2
 * sends some requests in a larger, zero-filled buffer).
 */
export function kernelFrames(data: Uint8Array): Uint8Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: Uint8Array[] = [];
  let pos = 0;
  while (data.length - pos >= 16) {
    const len = view.getUint32(pos, HOST_LE);
    if (len < 16 || len > data.length - pos) break;
    out.push(data.subarray(pos, pos + len));
    pos += (len + 3) & ~3;
  }
  return out;
}

/** A captured message: its bytes and their decode. */
export interface Captured<F extends Family<any>> {
  dir: Transfer['dir'];
  bytes: Uint8Array;
  msg: AnyMessage<F>;
}

/** Every netlink message of a capture (or of one direction) decoded with `fam`, in order. */
export function decodeCapture<F extends Family<any>>(fam: F, cap: Capture, dir?: Transfer['dir']): Captured<F>[] {
  const out: Captured<F>[] = [];
  for (const t of cap.transfers) {
    if (dir !== undefined && t.dir !== dir) continue;
    for (const bytes of kernelFrames(t.data)) out.push({ dir: t.dir, bytes, msg: decodeMessages(fam, bytes)[0]! });
  }
  return out;
}

/** Re-encodes a decoded message and returns the hex of both, for a byte-for-byte comparison. */
export function reencode<F extends Family<any>>(fam: F, c: Captured<F>): { original: string; again: string } {
  return { original: toHex(c.bytes), again: toHex(encodeMessage(fam, c.msg as never)) };
}

/**
 * Collects the alignment padding of the attributes in `[start, end)` (and,
 * recursively, of any payload that is itself a run of attributes). Returns
 * whether the range is a run of attributes at all.
 */
function collectPadding(b: Uint8Array, start: number, end: number, pads: Set<number>): boolean {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const found = new Set<number>();
  let pos = start;
  while (end - pos >= 4) {
    const len = view.getUint16(pos, HOST_LE);
    if (len < 4 || len > end - pos) return false;
    for (let i = pos + len; i < Math.min(pos + ((len + 3) & ~3), end); i++) found.add(i);
    const inner = new Set<number>();
    if (len > 4 && collectPadding(b, pos + 4, pos + len, inner)) for (const i of inner) found.add(i);
    pos += (len + 3) & ~3;
  }
  if (pos < end) return false;
  for (const i of found) pads.add(i);
  return true;
}

/**
 * Where re-encoding a captured message gives other bytes than it had, not
 * counting attribute alignment padding that our encoding zeroes: iproute2
 * leaves the padding of some nested attributes (`RTA_ENCAP`) uninitialised.
 * Empty when the message round-trips; `[-1]` when the lengths differ.
 */
export function reencodeDiff<F extends Family<any>>(fam: F, c: Captured<F>): number[] {
  const again = encodeMessage(fam, c.msg as never);
  if (again.length !== c.bytes.length) return [-1];
  const def = fam.byType(c.msg.type)?.def;
  const pads = new Set<number>();
  collectPadding(again, 16 + (def?.header ? (def.header.fixed + 3) & ~3 : 0), again.length, pads);
  const diffs: number[] = [];
  for (let i = 0; i < again.length; i++) if (again[i] !== c.bytes[i] && !(pads.has(i) && again[i] === 0)) diffs.push(i);
  return diffs;
}

/** The messages of a capture with the given kernel message name (typed as that message), optionally of one direction. */
export function named<F extends Family<any>, N extends keyof F['messages'] & string>(
  msgs: Captured<F>[],
  name: N,
  dir?: Transfer['dir'],
): Array<Captured<F> & { msg: MessageOf<F, N> }> {
  return msgs.filter((m): m is Captured<F> & { msg: MessageOf<F, N> } => m.msg.name === name && (dir === undefined || m.dir === dir));
}

/** Runs `ip -n NS ARGS...` under strace and decodes what crossed the socket with `fam`. */
export function ipCaptured<F extends Family<any>>(fam: F, ns: string, ...args: string[]): { cap: Capture; msgs: Captured<F>[] } {
  const cap = capture(['ip', '-n', ns, ...args]);
  return { cap, msgs: decodeCapture(fam, cap) };
}

/** Runs `bridge -n NS ARGS...` under strace and decodes what crossed the socket with `fam`. */
export function bridgeCaptured<F extends Family<any>>(fam: F, ns: string, ...args: string[]): { cap: Capture; msgs: Captured<F>[] } {
  const cap = capture(['bridge', '-n', ns, ...args]);
  return { cap, msgs: decodeCapture(fam, cap) };
}
