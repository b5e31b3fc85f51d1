/**
 * tc handles and class ids (`TC_H_*`, `<linux/pkt_sched.h>`), parsed and
 * printed as `tc` does: `1:10`, `ffff:`, `:5`, `root`, `none`, `ingress`.
 */

/** `TC_H_UNSPEC`: no handle. */
export const TC_H_UNSPEC = 0;
/** `TC_H_ROOT`: the root of a device's egress hierarchy. */
export const TC_H_ROOT = 0xffffffff;
/** `TC_H_INGRESS`: the parent of the ingress qdisc. */
export const TC_H_INGRESS = 0xfffffff1;
/** `TC_H_CLSACT`: the parent of the clsact qdisc (the same value as `TC_H_INGRESS`). */
export const TC_H_CLSACT = TC_H_INGRESS;
/** `TC_H_MIN_PRIORITY`: minor numbers from here map to `skb->priority`. */
export const TC_H_MIN_PRIORITY = 0xffe0;
/** `TC_H_MIN_INGRESS`: minor of clsact's ingress hook. */
export const TC_H_MIN_INGRESS = 0xfff2;
/** `TC_H_MIN_EGRESS`: minor of clsact's egress hook. */
export const TC_H_MIN_EGRESS = 0xfff3;

/** `TC_H_MAJ(h)`: the major half, still shifted (`0x00010000` for `1:`). */
export function TC_H_MAJ(h: number): number {
  return (h & 0xffff0000) >>> 0;
}

/** `TC_H_MIN(h)`: the minor half. */
export function TC_H_MIN(h: number): number {
  return h & 0xffff;
}

/** `TC_H_MAKE(maj, min)`: `maj` is a shifted major (`TC_H_MAJ` of something). */
export function TC_H_MAKE(maj: number, min: number): number {
  return ((maj & 0xffff0000) | (min & 0xffff)) >>> 0;
}

/** A handle as users write it: tc's text, or the 32-bit number. */
export type Handle = string | number;

/**
 * C `strtoul(s, &end, 16)`: leading white space, a sign, an optional `0x`,
 * then hex digits. Returns the value and the rest, or undefined when no
 * digits were read.
 */
export function strtoulHex(s: string): {
  /** The number read. */
  value: number;
  /** The text after it. */
  rest: string;
} | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(s);
  if (!m) return undefined;
  let v = BigInt('0x' + m[2]!);
  if (m[1] === '-') v = BigInt.asUintN(64, -v);
  return { value: v > 0xffffffffffffffffn ? Number.MAX_SAFE_INTEGER : Number(v), rest: s.slice(m[0].length) };
}

function fail(what: string, s: string): never {
  throw new RangeError(`invalid ${what} "${s}"`);
}

/**
 * A qdisc handle, as tc's `get_qdisc_handle` reads it: `1:` or `1` is
 * `0x00010000`; `none` is 0. Like tc, anything after the colon is ignored.
 */
export function parseQdiscHandle(s: string): number {
  if (s === 'none') return TC_H_UNSPEC;
  const r = strtoulHex(s);
  if (!r || r.value >= 0x10000 || (r.rest !== '' && r.rest[0] !== ':')) fail('qdisc handle', s);
  return r.value * 0x10000;
}

/**
 * A class id or parent, as tc's `get_tc_classid` reads it: `1:10`, `ffff:`,
 * `:5` (minor only), `root`, `none`, or a bare hex number taken whole.
 */
export function parseClassid(s: string): number {
  if (s === 'root') return TC_H_ROOT;
  if (s === 'none') return TC_H_UNSPEC;
  const r = strtoulHex(s);
  let maj = r?.value ?? 0;
  let rest = r?.rest ?? s;
  if (!r && rest[0] !== ':') fail('class id', s);
  if (rest[0] !== ':') {
    if (rest !== '' || maj > 0xffffffff) fail('class id', s);
    return maj;
  }
  if (maj >= 0x10000) fail('class id', s);
  rest = rest.slice(1);
  const min = strtoulHex(rest);
  if (min ? min.rest !== '' || min.value >= 0x10000 : rest !== '') fail('class id', s);
  maj = maj * 0x10000 + (min?.value ?? 0);
  return maj;
}

/** Where a handle is used: as a qdisc's or class's parent, or as a filter's. */
export type ParentContext = 'qdisc' | 'filter';

/**
 * A parent as the tc commands take it. `root` is `TC_H_ROOT`. For qdiscs,
 * `ingress` and `clsact` are `TC_H_INGRESS`/`TC_H_CLSACT`; for filters,
 * `ingress` and `egress` are clsact's hooks (`ffff:fff2`, `ffff:fff3`).
 * Anything else is a class id (`1:`, `1:10`, `ffff:`); numbers pass through.
 */
export function parseParent(h: Handle, context: ParentContext = 'qdisc'): number {
  if (typeof h === 'number') return checkU32(h);
  if (context === 'qdisc' && (h === 'ingress' || h === 'clsact')) return TC_H_INGRESS;
  if (context === 'filter' && h === 'ingress') return TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
  if (context === 'filter' && h === 'egress') return TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS);
  return parseClassid(h);
}

/** A qdisc handle or class id given as text or number (`'1:'`, `'1:10'`, `0x10010`). Text with a minor is a class id. */
export function toHandle(h: Handle): number {
  if (typeof h === 'number') return checkU32(h);
  return /^[^:]*:.+$/.test(h) || h === 'root' ? parseClassid(h) : parseQdiscHandle(h);
}

function checkU32(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`handle must be a 32-bit unsigned integer, got ${n}`);
  return n;
}

/** A handle as tc prints it (`print_tc_classid`): `root`, `none`, `:5`, `1:`, `1:10`. */
export function formatHandle(h: number): string {
  if (h === TC_H_ROOT) return 'root';
  if (h === TC_H_UNSPEC) return 'none';
  const maj = TC_H_MAJ(h) >>> 16;
  const min = TC_H_MIN(h);
  if (maj === 0) return `:${min.toString(16)}`;
  if (min === 0) return `${maj.toString(16)}:`;
  return `${maj.toString(16)}:${min.toString(16)}`;
}
