import { attrs, nest } from '@nlkit/core';

/** The options of kind `ingress`: none (the kernel dumps an empty `TCA_OPTIONS` nest). */
export const ingressAttrs = attrs('TCA_INGRESS_', {}, { name: 'tc-ingress-attrs' });

/** `TCA_OPTIONS` of kind `ingress` (sch_ingress). */
export const ingressOptions = nest(ingressAttrs);
