import { struct, u16 } from '@nlkit/core';

/** `struct tc_hfsc_qopt`: `TCA_OPTIONS` of an hfsc qdisc, the default class (its classes take `TCA_HFSC_*`). */
export const tcHfscQopt = struct('tc_hfsc_qopt', '', { defcls: u16 });
