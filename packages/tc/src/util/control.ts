/**
 * Action verdicts as `tc` reads them (`action_a2n`, `parse_action_control`):
 * `continue`, `drop`/`shot`, `pass`/`ok`, `reclassify`, `pipe`, `trap`,
 * `goto chain N`, `jump N`, or a number.
 */

/** `TC_ACT_*` verdict numbers (`<linux/pkt_cls.h>`). */
export const TC_ACT = {
  UNSPEC: -1, OK: 0, RECLASSIFY: 1, SHOT: 2, PIPE: 3, STOLEN: 4, QUEUED: 5, REPEAT: 6, REDIRECT: 7, TRAP: 8,
  /** `TC_ACT_JUMP`: `jump N` is this or'ed with N. */
  JUMP: 0x10000000,
  /** `TC_ACT_GOTO_CHAIN`: `goto chain N` is this or'ed with N. */
  GOTO_CHAIN: 0x20000000,
} as const;

/** `TC_ACT_EXT_VAL_MASK`: the largest chain index or jump count. */
const EXT_VAL_MASK = 0x0fffffff;

const WORDS: readonly (readonly [string, number])[] = [
  ['continue', TC_ACT.UNSPEC], ['drop', TC_ACT.SHOT], ['shot', TC_ACT.SHOT], ['pass', TC_ACT.OK], ['ok', TC_ACT.OK],
  ['reclassify', TC_ACT.RECLASSIFY], ['pipe', TC_ACT.PIPE], ['goto', TC_ACT.GOTO_CHAIN], ['jump', TC_ACT.JUMP],
  ['trap', TC_ACT.TRAP],
];

/** A verdict: one of tc's words (any prefix, as tc matches them), `goto chain N`, `jump N`, or its number. */
export type Control = string | number;

/** iproute2's `matches`: `arg` is a non-empty prefix of `word`. */
export function matches(arg: string, word: string): boolean {
  return arg !== '' && word.startsWith(arg);
}

/** The `TC_ACT_*` number of a verdict written as tc takes it (`'drop'`, `'goto chain 5'`, `'jump 2'`, `3`). */
export function parseControl(c: Control): number {
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < -(2 ** 31) || c >= 2 ** 31) throw new RangeError(`verdict must be a 32-bit integer, got ${c}`);
    return c;
  }
  const words = c.trim().split(/\s+/);
  const first = words[0] ?? '';
  const hit = WORDS.find(([w]) => matches(first, w));
  if (!hit) {
    if (/^[+-]?\d+$/.test(first) && words.length === 1) return parseControl(Number(first));
    throw new RangeError(`unknown verdict "${c}"`);
  }
  const [, n] = hit;
  if (n === TC_ACT.GOTO_CHAIN) {
    if (words.length !== 3 || !matches(words[1]!, 'chain')) throw new RangeError(`"goto" needs "chain INDEX": "${c}"`);
    return n | extVal(words[2]!, c);
  }
  if (n === TC_ACT.JUMP) {
    if (words.length !== 2) throw new RangeError(`"jump" needs a count: "${c}"`);
    return n | extVal(words[1]!, c);
  }
  if (words.length !== 1) throw new RangeError(`unexpected words after the verdict: "${c}"`);
  return n;
}

function extVal(s: string, whole: string): number {
  if (!/^\d+$/.test(s) || Number(s) > EXT_VAL_MASK) throw new RangeError(`invalid index in "${whole}"`);
  return Number(s);
}

/**
 * `EXCEED[/CONFORM]` (`parse_action_control_slash`, police's `conform-exceed`):
 * the verdict for packets over the rate and, optionally, for those within it.
 */
export function parseControlPair(c: Control | readonly [Control, Control?]): {
  /** The verdict (`TC_ACT_*`) for packets over the rate. */
  exceed: number;
  /** The verdict for packets within it, when given. */
  conform?: number;
} {
  const [a, b] = Array.isArray(c) ? c : typeof c === 'string' && c.includes('/') ? c.split('/') : [c];
  const exceed = parseControl(a as Control);
  return b === undefined ? { exceed } : { exceed, conform: parseControl(b as Control) };
}
