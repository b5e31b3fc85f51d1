import { NLM_F } from '@nlkit/core';

/** What a request does, as the `tc` verbs: `add`, `change`, `replace`, `link` (qdiscs), `del`, `get`, `dump`. */
export type TcOp = 'add' | 'change' | 'replace' | 'link' | 'del' | 'get' | 'dump';

/** `nlmsg_flags` tc uses for each verb (every request asks for an ACK; dumps for `NLM_F_DUMP`). */
export function opFlags(op: TcOp): number {
  const base = NLM_F.REQUEST | NLM_F.ACK;
  switch (op) {
    case 'add': return base | NLM_F.EXCL | NLM_F.CREATE;
    case 'replace': return base | NLM_F.CREATE | NLM_F.REPLACE;
    case 'link': return base | NLM_F.REPLACE;
    case 'dump': return NLM_F.REQUEST | NLM_F.DUMP;
    default: return base;
  }
}

/** The message kind of a verb: new, del or get. */
export function opKind(op: TcOp): 'NEW' | 'DEL' | 'GET' {
  return op === 'del' ? 'DEL' : op === 'get' || op === 'dump' ? 'GET' : 'NEW';
}

/** `TCA_RATE`: a rate estimator (`estimator INTERVAL TIME_CONST` in tc). */
export interface EstimatorSpec {
  /** log2 of the interval in quarter seconds: -2 is 250 ms … 3 is 8 s. */
  interval: number;
  /** log2 of the averaging time constant in intervals. */
  ewmaLog: number;
}
