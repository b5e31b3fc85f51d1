/// <reference types="node" />
/**
 * Test helpers for the link schemas: throwaway network namespaces, and
 * iproute2 commands run under strace to capture the netlink requests they send.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HOST_LE } from '@nlkit/core';

/** The live tests need root (network namespaces); they are skipped otherwise. */
export const isRoot: boolean = process.getuid?.() === 0;
if (process.getuid?.() !== 0 && process.env['CI'] === 'true') throw new Error('live tests must run as root under CI=true; they skip only outside CI');


/** Runs `ip ARGS...`; throws with its stderr on failure. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Creates a namespace `nlkit-test-<random>`, runs `fn` in it by name, and always deletes it. */
export async function withNetns<T>(fn: (ns: string) => T | Promise<T>): Promise<T> {
  const ns = `nlkit-test-${randomBytes(4).toString('hex')}`;
  ip('netns', 'add', ns);
  try {
    return await fn(ns);
  } finally {
    ip('netns', 'del', ns);
  }
}

/** What a command run under strace sent to the kernel. */
export interface Captured {
  /** Exit status of the command (non-zero when the kernel refused, e.g. an unknown kind). */
  status: number | null;
  stderr: string;
  /** Every netlink message the command sent, in order. */
  messages: Uint8Array[];
}

/** A hex line of an strace data dump: ` | 00000  30 00 00 00 ...  0.......`. */
const HEXLINE = /^ \| [0-9a-f]{5,}  (.{0,49})/;

/**
 * Parses the output of `strace -e trace=sendmsg,sendto -e write=all`: the
 * data of each call follows it as hex lines (one block per iovec). Returns
 * the bytes each call sent.
 */
export function parseStraceWrites(text: string): Uint8Array[] {
  const calls: number[][] = [];
  let cur: number[] | undefined;
  for (const line of text.split('\n')) {
    if (/^(sendmsg|sendto)\(/.test(line)) {
      cur = [];
      calls.push(cur);
      continue;
    }
    const m = HEXLINE.exec(line);
    if (m && cur) for (const h of m[1]!.match(/[0-9a-f]{2}/g) ?? []) cur.push(parseInt(h, 16));
  }
  return calls.map((c) => Uint8Array.from(c));
}

/** Splits a datagram into its netlink messages by `nlmsg_len`. */
export function splitMessages(datagram: Uint8Array): Uint8Array[] {
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const out: Uint8Array[] = [];
  for (let pos = 0; pos + 16 <= datagram.length; ) {
    const len = view.getUint32(pos, HOST_LE);
    if (len < 16 || pos + len > datagram.length) throw new Error(`bad nlmsg_len ${len} at ${pos}`);
    out.push(datagram.slice(pos, pos + len));
    pos += (len + 3) & ~3;
  }
  return out;
}

/** Runs `argv` under strace with `traceArgs`, and returns the command's result and strace's output. */
function strace(traceArgs: readonly string[], argv: readonly string[]): { status: number | null; stderr: string; trace: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-strace-'));
  const out = join(dir, 'trace');
  try {
    const r = spawnSync('strace', ['-qq', '-o', out, ...traceArgs, '-s', '0', ...argv], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, stderr: r.stderr, trace: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `argv` (`['ip', '-n', ns, 'link', ...]`) under strace and returns the netlink messages it sent. */
export function captureSent(argv: readonly string[]): Captured {
  const r = strace(['-e', 'trace=sendmsg,sendto', '-e', 'write=all'], argv);
  return { status: r.status, stderr: r.stderr, messages: parseStraceWrites(r.trace).flatMap(splitMessages) };
}

/** `nlmsg_type` of a captured message. */
export function messageType(msg: Uint8Array): number {
  return new DataView(msg.buffer, msg.byteOffset, msg.byteLength).getUint16(4, HOST_LE);
}

/**
 * Parses the output of `strace -e trace=recvmsg -e read=all`: the data each
 * call received, skipping `MSG_PEEK` calls (iproute2 sizes its buffer with one).
 */
export function parseStraceReads(text: string): Uint8Array[] {
  const calls: number[][] = [];
  let cur: number[] | undefined;
  for (const line of text.split('\n')) {
    if (/^recvmsg\(/.test(line)) {
      cur = line.includes('MSG_PEEK') ? undefined : [];
      if (cur) calls.push(cur);
      continue;
    }
    const m = HEXLINE.exec(line);
    if (m && cur) for (const h of m[1]!.match(/[0-9a-f]{2}/g) ?? []) cur.push(parseInt(h, 16));
  }
  return calls.map((c) => Uint8Array.from(c));
}

/** Runs `argv` under strace and returns the netlink messages the kernel sent back to it. */
export function captureReceived(argv: readonly string[]): Captured {
  const r = strace(['-e', 'trace=recvmsg', '-e', 'read=all'], argv);
  return { status: r.status, stderr: r.stderr, messages: parseStraceReads(r.trace).flatMap(splitMessages) };
}
