import { enumOf, s32, struct, u32 } from '@nlkit/core';

/** `TCQ_PLUG_*`: what the plug qdisc is told. */
export const plugAction = enumOf(s32, { buffer: 0, releaseOne: 1, releaseIndefinite: 2, limit: 3 });

/** `struct tc_plug_qopt`: `TCA_OPTIONS` of kind `plug` (sch_plug). */
export const tcPlugQopt = struct('tc_plug_qopt', '', { action: plugAction, limit: u32 });
