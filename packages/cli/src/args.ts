/**
 * Argument parsing: Node's `util.parseArgs` for options, and `ip`-style
 * keyword arguments (`dev eth0 table 100`) for filters.
 */
import { parseArgs } from 'node:util';
import { usage } from './errors.js';

/** An option of a subcommand, as `util.parseArgs` takes it. */
export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

/** The options every subcommand takes. */
export const GLOBAL_OPTIONS = {
  netns: { type: 'string', short: 'n' },
  json: { type: 'boolean', short: 'j' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionDef>;

/** The values of parsed options: strings, lists of strings (`multiple`), or booleans. */
export type OptionValues<O> = {
  [K in keyof O]?: O[K] extends { type: 'string'; multiple: true } ? string[] : O[K] extends { type: 'string' } ? string : boolean;
};

/** Parses `args` with the global options and `options`; unknown options are usage errors naming `command`. */
export function parse<const O extends Record<string, OptionDef>>(
  args: string[],
  command: string,
  options: O,
): { values: OptionValues<typeof GLOBAL_OPTIONS & O>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: r.values as OptionValues<typeof GLOBAL_OPTIONS & O>, positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "-\w+"'$/, '');
    throw usage(msg.replace(/^Unknown option/, 'unknown option'), command);
  }
}

/** What a keyword takes: a value (`dev eth0`) or nothing (`up`). */
export type KeywordKind = 'value' | 'flag';

/**
 * Reads `ip`-style keywords: `dev eth0 table 100 up` with `{ dev: 'value',
 * table: 'value', up: 'flag' }`. A word that is no keyword is taken as the
 * value of `bare` when given (`nlkit link show eth0`), else it is a usage
 * error listing the keywords. Aliases map other spellings to keywords.
 */
export function keywords(
  words: readonly string[],
  spec: Readonly<Record<string, KeywordKind>>,
  command: string,
  options: { bare?: string; aliases?: Readonly<Record<string, string>> } = {},
): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const key = options.aliases?.[w] ?? w;
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (kind === 'flag') out[key] = true;
    else if (kind === 'value') {
      const v = words[i + 1];
      if (v === undefined) throw usage(`"${w}" needs a value`, command);
      out[key] = v;
      i++;
    } else if (options.bare !== undefined && out[options.bare] === undefined) out[options.bare] = w;
    else {
      const known = Object.keys(spec).join(', ');
      throw usage(`unknown keyword "${w}"${known ? `; known: ${known}` : ' (this command takes no filters)'}`, command);
    }
  }
  return out;
}

/**
 * A value from the command line: an integer or hex number, `true`/`false`,
 * JSON (`[1,2]`, `{"mtu":1400}`, `"quoted"`), or else the text itself.
 */
export function cliValue(text: string): unknown {
  if (/^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[[{"]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** `key=value` words into a spec object; dotted keys nest (`metrics.mtu=1400`), repeated keys make a list. */
export function specFromPairs(words: readonly string[], command: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw usage(`expected FIELD=VALUE, got "${w}"`, command);
    const path = w.slice(0, eq).split('.');
    let at = spec;
    for (const p of path.slice(0, -1)) {
      const next = at[p];
      if (next === undefined) at = at[p] = {};
      else if (typeof next === 'object' && next !== null && !Array.isArray(next)) at = next as Record<string, unknown>;
      else throw usage(`"${path.join('.')}" mixes a value and fields`, command);
    }
    const last = path[path.length - 1]!;
    const value = cliValue(w.slice(eq + 1));
    if (Object.hasOwn(at, last)) at[last] = Array.isArray(at[last]) ? [...(at[last] as unknown[]), value] : [at[last], value];
    else at[last] = value;
  }
  return spec;
}
