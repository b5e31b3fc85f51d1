import { struct, u16 } from '@nlkit/core';

/** `struct tc_multiq_qopt`: `TCA_OPTIONS` of kind `multiq` (sch_multiq). */
export const tcMultiqQopt = struct('tc_multiq_qopt', '', { bands: u16, maxBands: u16 });
