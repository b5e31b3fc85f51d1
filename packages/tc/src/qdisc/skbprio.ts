import { struct, u32 } from '@nlkit/core';

/** `struct tc_skbprio_qopt`: `TCA_OPTIONS` of kind `skbprio` (sch_skbprio), the queue limit in packets. */
export const tcSkbprioQopt = struct('tc_skbprio_qopt', '', { limit: u32 });
