/**
 * Rate tables and token-bucket sizes computed as `tc` computes them
 * (iproute2's tc_core.c: `tc_core_init`, `tc_calc_xmittime`,
 * `tc_calc_rtable`), with the parameters of the kernel's packet scheduler
 * clock taken from `/proc/net/psched`.
 */
import { linklayerNumber, type Linklayer } from './units.js';

/** `TIME_UNITS_PER_SEC`: tc's times are microseconds. */
const TIME_UNITS_PER_SEC = 1_000_000;

/**
 * How `tc` converts times to scheduler ticks, and how it rounds.
 *
 * iproute2 before 6.14 truncates twice (the time in microseconds, then the
 * ticks); 6.14 and later round the ticks up (`ceil`) and clamp to 2^32-1.
 */
export interface TcClock {
  /** Ticks per microsecond (`tick_in_usec`). */
  readonly tickInUsec: number;
  /** `clock_factor`: kernel clock resolution over 10^6. */
  readonly clockFactor: number;
  /** `get_hz()`: the timer frequency tc divides rates by for default bursts. */
  readonly hz: number;
  /** `truncate` (iproute2 < 6.14) or `ceil` (iproute2 >= 6.14). */
  readonly rounding: 'truncate' | 'ceil';
}

/**
 * The clock `tc` derives from a `/proc/net/psched` line (four hex words:
 * ns per µs, ns per tick, clock resolution, `NSEC_PER_SEC / hrtimer_resolution`),
 * as `tc_core_init` and `get_hz` do.
 */
export function clockFromPsched(text: string, rounding: TcClock['rounding'] = 'truncate'): TcClock {
  const m = /^\s*([0-9a-fA-F]{8})\s*([0-9a-fA-F]{8})\s*([0-9a-fA-F]{8})\s*([0-9a-fA-F]{8})?/.exec(text);
  if (!m) throw new RangeError(`not a /proc/net/psched line: ${JSON.stringify(text.slice(0, 40))}`);
  let t2us = Number.parseInt(m[1]!, 16);
  const us2t = Number.parseInt(m[2]!, 16);
  const clockRes = Number.parseInt(m[3]!, 16);
  const fourth = m[4] === undefined ? 0 : Number.parseInt(m[4], 16);
  // tc's compatibility rule: a nanosecond clock advertises a multiplier of 1000 that means 1.
  if (clockRes === 1_000_000_000) t2us = us2t;
  const clockFactor = clockRes / TIME_UNITS_PER_SEC;
  return {
    tickInUsec: (t2us / us2t) * clockFactor,
    clockFactor,
    hz: clockRes === 1_000_000 && fourth !== 0 ? fourth : 100,
    rounding,
  };
}

/**
 * What every kernel since 2.6.31 with high-resolution timers shows in
 * `/proc/net/psched` (`000003e8 00000040 000f4240 3b9aca00`): 15.625 ticks
 * per µs (64 ns ticks), hz 10^9.
 */
export const DEFAULT_CLOCK: TcClock = clockFromPsched('000003e8 00000040 000f4240 3b9aca00');

/** C's conversion of a non-negative double to `unsigned int` on x86-64 (truncate, keep the low 32 bits). */
function toU32(x: number): number {
  if (!(x >= 0) || x >= 2 ** 63) return 0;
  return Number(BigInt.asUintN(32, BigInt(Math.trunc(x))));
}

/** `tc_calc_xmittime(rate, size)`: the ticks sending `size` bytes at `rate` bytes/s takes. */
export function calcXmittime(rate: bigint | number, size: number, clock: TcClock = DEFAULT_CLOCK): number {
  const r = Number(rate);
  if (clock.rounding === 'ceil') {
    const v = Math.ceil(TIME_UNITS_PER_SEC * (size / r) * clock.tickInUsec);
    return v > 0xffffffff ? 0xffffffff : v;
  }
  return toU32(toU32(TIME_UNITS_PER_SEC * (size / r)) * clock.tickInUsec);
}

/** `tc_calc_xmitsize(rate, ticks)`: the bytes `ticks` of sending at `rate` bytes/s is worth (to show a burst). */
export function calcXmitsize(rate: bigint | number, ticks: number, clock: TcClock = DEFAULT_CLOCK): number {
  const time = clock.rounding === 'ceil' ? ticks / clock.tickInUsec : toU32(ticks / clock.tickInUsec);
  return toU32((Number(rate) * time) / TIME_UNITS_PER_SEC);
}

/** `ATM_CELL_PAYLOAD` and `ATM_CELL_SIZE`. */
const ATM_CELL_PAYLOAD = 48;
const ATM_CELL_SIZE = 53;

/** `tc_adjust_size`: a packet size raised to `mpu`, and to whole ATM cells on an ATM link. */
function adjustSize(sz: number, mpu: number, linklayer: Linklayer): number {
  const s = sz < mpu ? mpu : sz;
  return linklayer === 'atm' ? Math.ceil(s / ATM_CELL_PAYLOAD) * ATM_CELL_SIZE : s;
}

/** Inputs of {@link calcRtable}. */
export interface RtableInput {
  /** Bytes per second the table is for. */
  rate: bigint | number;
  /** Minimum packet unit: smaller packets cost this many bytes. */
  mpu?: number;
  /** log2 of the cell size, or -1 / undefined to fit `mtu` in 256 cells. */
  cellLog?: number;
  /** Largest packet the table covers (0 or undefined: 2047). */
  mtu?: number;
  /** `ethernet` (the default) or `atm` (sizes rounded up to 53-byte cells of 48 payload bytes). */
  linklayer?: Linklayer;
}

/** A rate table and the `struct tc_ratespec` fields it was computed with. */
export interface Rtable {
  /** `__u32[256]`: ticks to send `(i + 1) << cellLog` bytes. */
  table: number[];
  /** `cell_log`: log2 of the cell size the table was computed with. */
  cellLog: number;
  /** Always -1, as tc sets it. */
  cellAlign: number;
  /** `TC_LINKLAYER_*`. */
  linklayer: number;
}

/**
 * `tc_calc_rtable` (and `tc_calc_rtable_64`, the same with a 64-bit rate):
 * the transmit time of each of 256 size cells.
 */
export function calcRtable(input: RtableInput, clock: TcClock = DEFAULT_CLOCK): Rtable {
  const mtu = input.mtu || 2047;
  const linklayer = input.linklayer ?? 'ethernet';
  const mpu = input.mpu ?? 0;
  let cellLog = input.cellLog ?? -1;
  if (cellLog < 0) {
    cellLog = 0;
    while (mtu >> cellLog > 255) cellLog++;
  }
  const table: number[] = new Array(256);
  for (let i = 0; i < 256; i++) table[i] = calcXmittime(input.rate, adjustSize((i + 1) << cellLog, mpu, linklayer), clock);
  return { table, cellLog, cellAlign: -1, linklayer: linklayerNumber(linklayer) };
}

/** The 32-bit rate field of a `struct tc_ratespec`: rates of 2^32 bytes/s and more are ~0 and go in a 64-bit attribute. */
export function rate32(rate: bigint): number {
  return rate >= 1n << 32n ? 0xffffffff : Number(rate);
}
