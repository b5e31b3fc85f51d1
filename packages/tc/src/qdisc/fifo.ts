import { struct, u32 } from '@nlkit/core';

/**
 * `struct tc_fifo_qopt`: `TCA_OPTIONS` of kinds `pfifo`, `bfifo` and
 * `pfifo_head_drop` (sch_fifo), the limit in packets (bytes for bfifo).
 */
export const tcFifoQopt = struct('tc_fifo_qopt', '', { limit: u32 });
