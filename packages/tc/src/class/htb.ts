import { s32, struct, u32 } from '@nlkit/core';

/** `struct tc_htb_xstats`: an htb class's `TCA_STATS_APP` (tokens in ticks). Its options are `TCA_HTB_*`. */
export const tcHtbXstats = struct('tc_htb_xstats', '', {
  lends: u32,
  borrows: u32,
  giants: u32,
  tokens: s32,
  ctokens: s32,
});
