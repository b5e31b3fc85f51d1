import { attrs, nest } from '@nlkit/core';

/** The options of kind `mq`: none. */
export const mqAttrs = attrs('TCA_MQ_', {}, { name: 'tc-mq-attrs' });

/** `TCA_OPTIONS` of kind `mq` (sch_mq), should one be present. */
export const mqOptions = nest(mqAttrs);
