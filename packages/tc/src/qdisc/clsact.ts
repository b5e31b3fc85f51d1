import { attrs, nest } from '@nlkit/core';

/** The options of kind `clsact`: none (the kernel dumps an empty `TCA_OPTIONS` nest). */
export const clsactAttrs = attrs('TCA_CLSACT_', {}, { name: 'tc-clsact-attrs' });

/** `TCA_OPTIONS` of kind `clsact` (sch_ingress's clsact). */
export const clsactOptions = nest(clsactAttrs);
