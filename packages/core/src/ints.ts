/**
 * The fixed-width integer codecs of this package (`u8` … `s32be`)
 * by layout, so that struct encoders validate and write them inline instead
 * of calling them. Internal: not exported from the package.
 */
import type { Codec } from './codec.js';

/** The layout of an integer codec. */
export interface IntLayout {
  /** Its size in bytes (1, 2 or 4); 0 for any other codec. */
  readonly width: 0 | 1 | 2 | 4;
  /** The `littleEndian` argument of its `DataView` store. */
  readonly little: boolean;
  /**
   * 32 less its bits: `(v << shift) >> shift` (signed) or `(v << shift) >>> shift`
   * (unsigned) gives back a number `v` exactly when `size` accepts it.
   */
  readonly shift: number;
  readonly signed: boolean;
}

/** Filled by the integer codecs as they are made. */
export const intLayouts = new WeakMap<Codec<any, any>, IntLayout>();

const NONE: IntLayout = { width: 0, little: false, shift: 0, signed: false };

/** The layout of `codec`; width 0 when it is not one of the integer codecs. */
export function intLayout(codec: Codec<any, any>): IntLayout {
  return intLayouts.get(codec) ?? NONE;
}
