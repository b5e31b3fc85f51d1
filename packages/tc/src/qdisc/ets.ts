import { attrs, nest, u32, u8, type NestCodec } from '@nlkit/core';

/**
 * `TCA_ETS_*` (`tc-ets-attrs`), qdisc and class alike: `TCA_ETS_QUANTA` and
 * `TCA_ETS_PRIOMAP` nest repeated `TCA_ETS_QUANTA_BAND`/`TCA_ETS_PRIOMAP_BAND`
 * of the same set; a class sends one `TCA_ETS_QUANTA_BAND`.
 */
export const etsAttrs = attrs('TCA_ETS_', {
  nbands: { nla: 1, codec: u8 },
  nstrict: { nla: 2, codec: u8 },
  quanta: { nla: 3, codec: (): NestCodec<any> => etsOptions },
  quantaBand: { nla: 4, codec: u32, multi: true },
  priomap: { nla: 5, codec: (): NestCodec<any> => etsOptions },
  priomapBand: { nla: 6, codec: u8, multi: true },
}, { name: 'tc-ets-attrs' });

/** `TCA_OPTIONS` of kind `ets` (sch_ets). */
export const etsOptions: NestCodec<typeof etsAttrs.defs> = nest(etsAttrs);
