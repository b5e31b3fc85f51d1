import { attrs, binary, enumOf, nest, struct, u16 } from '@nlkit/core';
import { tcGen, tcVerdict, tcfT } from '../common.js';

/** `struct tc_gact` (`TCA_GACT_PARMS`): the verdict. */
export const tcGact = struct('tc_gact', '', { ...tcGen });

/** `PGACT_*`: how the alternative verdict is chosen. */
export const gactProbType = enumOf(u16, { none: 0, netrand: 1, determ: 2 });

/** `struct tc_gact_p` (`TCA_GACT_PROB`): `random netrand|determ VERDICT VAL`. */
export const tcGactP = struct('tc_gact_p', '', { ptype: gactProbType, pval: u16, paction: tcVerdict });

/** `TCA_GACT_*` (`tc-act-gact-attrs`). */
export const gactAttrs = attrs('TCA_GACT_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcGact },
  prob: { nla: 3, codec: tcGactP },
  pad: { nla: 4, codec: binary() },
}, { name: 'tc-act-gact-attrs' });

/** `TCA_ACT_OPTIONS` of kind `gact` (act_gact: pass, drop, …). */
export const gactOptions = nest(gactAttrs);
