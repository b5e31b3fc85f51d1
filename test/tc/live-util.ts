/// <reference types="node" />
/**
 * Helpers of the live tc tests: a throwaway namespace with an `IPRoute` in
 * it, `tc`'s own view of the same objects (JSON where iproute2 prints JSON,
 * its text where it does not), and traffic sent from inside the namespace.
 */
import { randomBytes } from 'node:crypto';
import { IPRoute } from '@nlkit/client';
import { requireRootInCI, run } from '../live-env.js';

export { isRoot, run } from '../live-env.js';
requireRootInCI('the live tc tests');

/** A namespace with an `IPRoute` open in it, for a whole suite: call `close` in `afterAll`. */
export interface LiveNs {
  readonly ns: string;
  readonly ipr: IPRoute;
  close(): Promise<void>;
}

/** Creates `nlkit-tc-<random>` and opens an `IPRoute` inside it. */
export async function openNs(): Promise<LiveNs> {
  const ns = `nlkit-tc-${randomBytes(4).toString('hex')}`;
  run('ip', ['netns', 'add', ns]);
  let ipr: IPRoute;
  try {
    ipr = await IPRoute.open({ netns: ns, timeoutMs: 10_000 });
  } catch (e) {
    run('ip', ['netns', 'del', ns]);
    throw e;
  }
  return {
    ns,
    ipr,
    async close() {
      try {
        await ipr.close();
      } finally {
        run('ip', ['netns', 'del', ns]);
      }
    },
  };
}

/** Runs `fn` with a fresh namespace and client, and always removes both. */
export async function withNs<T>(fn: (ipr: IPRoute, ns: string) => Promise<T>): Promise<T> {
  const live = await openNs();
  try {
    // No IPv6 autoconfiguration traffic: counters compared with tc's must not move in between.
    quietIpv6(live.ns);
    return await fn(live.ipr, live.ns);
  } finally {
    await live.close();
  }
}

/** `ip -n NS ARGS...`. */
export function ip(ns: string, ...args: string[]): string {
  return run('ip', ['-n', ns, ...args]);
}

/** Turns IPv6 off in the namespace (no router or neighbour solicitations to disturb the counters). */
export function quietIpv6(ns: string): void {
  for (const scope of ['all', 'default']) run('ip', ['netns', 'exec', ns, 'sh', '-c', `echo 1 > /proc/sys/net/ipv6/conf/${scope}/disable_ipv6`]);
}

/** Sends `count` UDP datagrams of `size` bytes to `dst:port` from inside the namespace (Node's dgram, no ping needed). */
export function sendUdp(ns: string, dst: string, port: number, count: number, size = 64): void {
  const script = `
    const s = require('node:dgram').createSocket('udp4');
    let n = 0;
    const next = () => (n++ < ${count} ? s.send(Buffer.alloc(${size}), ${port}, '${dst}', (e) => (e ? (console.error(e), process.exit(1)) : next())) : s.close());
    next();`;
  run('ip', ['netns', 'exec', ns, process.execPath, '-e', script]);
}

// ---------------------------------------------------------------------------
// tc's view

/** A JSON object from tc, with every value of a key tc printed more than once (u32's `match`) kept. */
export type TcJson = Record<string, any>;
const ALL = Symbol('all values of repeated keys');

/** Every value tc printed for `key` in `obj`, in order (most keys: one). */
export function all(obj: TcJson | undefined, key: string): any[] {
  if (!obj) return [];
  const repeated = (obj as { [ALL]?: Record<string, unknown[]> })[ALL]?.[key];
  return repeated ?? (key in obj ? [obj[key]] : []);
}

/**
 * JSON as iproute2 writes it, where an object may repeat a key (u32 prints
 * one `match` object per key): `JSON.parse` keeps the last; this keeps them
 * all, for {@link all}.
 */
export function parseTcJson(text: string): any {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`tc JSON: ${what} at ${i}: ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: TcJson = {};
      const repeats: Record<string, unknown[]> = {};
      ws();
      if (text[i] === '}') return i++, o;
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') fail('expected a key');
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        const v = value();
        const key = k as string;
        if (key in o) (repeats[key] ??= [o[key]]).push(v);
        o[key] = v;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') break;
        else fail('expected "," or "}"');
      }
      i++;
      if (Object.keys(repeats).length) Object.defineProperty(o, ALL, { value: repeats, enumerable: false });
      return o;
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, a;
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') break;
        else fail('expected "," or "]"');
      }
      i++;
      return a;
    }
    const m = /^(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 4096));
    if (!m) return fail('unexpected input');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const out = value();
  ws();
  if (i !== text.length) fail('trailing input');
  return out;
}

/** `tc -n NS -j -s -d ARGS...` (with `-r` when `raw`: tbf's limit, htb's buffers in ticks), parsed. */
export function tcj(ns: string, args: string[], raw = false): any {
  const out = run('tc', ['-n', ns, '-j', '-s', '-d', ...(raw ? ['-r'] : []), ...args]).trim();
  return out ? parseTcJson(out) : [];
}

/** One class as `tc -s -d -r class show` prints it (iproute2 6.1 prints classes as text even with `-j`). */
export interface TcClassText {
  kind: string;
  handle: string;
  /** `root`, or the parent class. */
  parent: string;
  /** The words of its first line after the parent, as name → values (`mpu` appears once per rate). */
  params: Record<string, string[]>;
  /** `Sent B bytes P pkt (dropped D, overlimits O requeues R)`, `backlog Bb Pp requeues R`; undefined when tc printed none. */
  stats?: { bytes: number; packets: number; drops: number; overlimits: number; requeues: number; backlog: number; qlen: number };
  /** htb's `lended: borrowed: giants:` and `tokens: ctokens:`. */
  xstats: Record<string, number>;
}

/** Words of a class line that stand alone (no value follows). */
const LONE_WORDS = new Set(['root']);

/** `tc -n NS -s -d -r class show dev DEV`, parsed from text; or from JSON when tc prints JSON. */
export function tcClasses(ns: string, dev: string): TcClassText[] {
  const out = run('tc', ['-n', ns, '-j', '-s', '-d', '-r', 'class', 'show', 'dev', dev]).trim();
  if (out.startsWith('[')) throw new Error('this tc prints classes as JSON: compare them with tcj()');
  const blocks = out.split(/\n(?=class )/).filter((b) => b.trim());
  return blocks.map((b) => {
    const lines = b.split('\n');
    const words = lines[0]!.trim().split(/\s+/);
    if (words[0] !== 'class') throw new Error(`not a class line: ${lines[0]}`);
    const kind = words[1]!;
    const handle = words[2]!;
    const params: Record<string, string[]> = {};
    let parent = '';
    for (let i = 3; i < words.length; i++) {
      const w = words[i]!;
      if (LONE_WORDS.has(w)) {
        if (w === 'root') parent = 'root';
        continue;
      }
      const v = words[++i] ?? '';
      if (w === 'parent') parent = v;
      else (params[w] ??= []).push(v);
    }
    const rest = lines.slice(1).join('\n');
    const num = (re: RegExp): number => Number(re.exec(rest)?.[1] ?? NaN);
    const stats = !/Sent \d+ bytes/.test(rest) ? undefined : {
      bytes: num(/Sent (\d+) bytes/),
      packets: num(/bytes (\d+) pkt/),
      drops: num(/dropped (\d+)/),
      overlimits: num(/overlimits (\d+)/),
      requeues: num(/requeues (\d+)\)/),
      backlog: num(/backlog (\d+)b/),
      qlen: num(/backlog \d+b (\d+)p/),
    };
    const xstats: Record<string, number> = {};
    for (const m of rest.matchAll(/(\w+): (-?\d+)/g)) xstats[m[1]!] = Number(m[2]);
    return { kind, handle, parent, params, stats, xstats };
  });
}
