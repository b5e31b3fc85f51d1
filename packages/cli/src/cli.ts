/**
 * `nlkit`'s command dispatcher: global options, the subcommands, and the
 * translation of every failure into a message and an exit status.
 */
import { BATCH_COMMANDS, type BatchObject } from '@nlkit/batch';
import { PcapStreamWriter, recordTransport, type CaptureFormat } from '@nlkit/pcap';
import type { Transport } from '@nlkit/transport';
import { parse, specFromPairs } from './args.js';
import { runApply, runChange, runCompile } from './batchcmd.js';
import { makeContext, type Context, type Io } from './context.js';
import { FAMILIES, runDecode } from './decode.js';
import { CliError, EXIT, describeError, usage } from './errors.js';
import { helpFor } from './help.js';
import { runMonitor } from './monitor.js';
import { runSchema } from './schema.js';
import { runShow, showObject } from './show.js';

/** The package's version, for `--version`. */
export const VERSION = '0.1.0';

const SHOW_VERBS = new Set(['show', 'list', 'ls', 'lst', 'sh']);
/** Show objects whose changes have another batch object name. */
const CHANGE_OBJECT: Readonly<Record<string, BatchObject>> = {
  link: 'link', addr: 'addr', route: 'route', rule: 'rule', neigh: 'neigh', fdb: 'fdb', vlan: 'vlan', qdisc: 'qdisc', class: 'class', filter: 'filter',
};

/** Where the subcommand is in `argv`: the first word that is neither an option nor the value of `-n`. */
function findCommand(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return -1;
    if (a === '-n' || a === '--netns') {
      i++;
      continue;
    }
    if (!a.startsWith('-') || a === '-') return i;
  }
  return -1;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Fires on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Wraps every transport the command opens (how `record` taps them). */
  wrapTransport?: (t: Transport) => Transport;
}

/**
 * Runs `nlkit ARGV` against `io` and resolves with the exit status (never
 * rejects: failures are printed to `io.err` as `nlkit: MESSAGE`).
 *
 * ```ts
 * const code = await run(['-n', 'lab', 'route', 'show', 'table', 'all'], processIo());
 * ```
 */
export async function run(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  try {
    return await dispatch([...argv], io, signal, options.wrapTransport);
  } catch (e) {
    const d = describeError(e);
    io.err(`nlkit: ${d.message}\n`);
    if (d.hint) io.err(`nlkit: ${d.hint}\n`);
    return d.code;
  }
}

async function dispatch(argv: string[], io: Io, signal: AbortSignal, wrap: ((t: Transport) => Transport) | undefined): Promise<number> {
  const at = findCommand(argv);
  if (at < 0) {
    if (argv.includes('-V') || argv.includes('--version')) {
      io.out(`nlkit ${VERSION}\n`);
      return EXIT.OK;
    }
    const { values } = parse(argv, '', {});
    if (values.help) {
      io.out(helpFor(undefined));
      return EXIT.OK;
    }
    io.err(helpFor(undefined));
    return EXIT.USAGE;
  }
  const word = argv[at]!;
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  const object = showObject(word);
  if (object) return showOrChange(object.name, rest, io, signal, wrap);

  switch (word) {
    case 'help': {
      const topic = rest.find((a) => !a.startsWith('-'));
      io.out(helpFor(topic ? showObject(topic)?.name ?? topic : undefined));
      return EXIT.OK;
    }
    case 'monitor': {
      const { values, positionals } = parse(rest, word, {});
      if (values.help) return help(io, word);
      await runMonitor(ctxOf(io, values, signal, wrap), positionals);
      return EXIT.OK;
    }
    case 'decode': {
      const { values, positionals } = parse(rest, word, { format: { type: 'string' }, family: { type: 'string' } });
      if (values.help) return help(io, word);
      if (positionals.length !== 1) throw usage(positionals.length ? `expected one FILE, got ${positionals.length}` : 'expected a FILE to decode (- for standard input)', word);
      const format = values.format ?? (values.json ? 'raw' : 'text');
      if (format !== 'text' && format !== 'raw') throw usage(`--format is text or raw, not "${format}"`, word);
      const family = FAMILIES[values.family ?? 'route'];
      if (!family) throw usage(`--family is ${Object.keys(FAMILIES).join(', ')}, not "${values.family}"`, word);
      await runDecode(ctxOf(io, values, signal, wrap), positionals[0]!, { format, family });
      return EXIT.OK;
    }
    case 'record':
      return record(rest, io, signal, wrap);
    case 'compile': {
      const { values, positionals } = parse(rest, word, {
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
        dev: { type: 'string', multiple: true },
        lookup: { type: 'boolean' },
      });
      if (values.help) return help(io, word);
      if (positionals.length !== 1) throw usage('expected one SPEC file (JSON or YAML; - for standard input)', word);
      await runCompile(ctxOf(io, values, signal, wrap), positionals[0]!, { output: values.output, format: values.format, dev: values.dev, lookup: values.lookup ?? false });
      return EXIT.OK;
    }
    case 'apply': {
      const { values, positionals } = parse(rest, word, {
        force: { type: 'boolean', short: 'f' },
        quiet: { type: 'boolean', short: 'q' },
        'max-unacked': { type: 'string' },
        'max-datagram': { type: 'string' },
      });
      if (values.help) return help(io, word);
      if (positionals.length !== 1) throw usage('expected one batch FILE (- for standard input)', word);
      const int = (v: string | undefined, name: string): number | undefined => {
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v) || Number(v) < 1) throw usage(`--${name} expects a positive integer, got "${v}"`, word);
        return Number(v);
      };
      return runApply(ctxOf(io, values, signal, wrap), positionals[0]!, {
        force: values.force ?? false,
        quiet: values.quiet ?? false,
        maxUnacked: int(values['max-unacked'], 'max-unacked'),
        maxDatagram: int(values['max-datagram'], 'max-datagram'),
      });
    }
    case 'schema': {
      const { values, positionals } = parse(rest, word, {});
      if (values.help) return help(io, word);
      runSchema(ctxOf(io, values, signal, wrap), positionals);
      return EXIT.OK;
    }
    default:
      throw usage(`unknown command "${word}"`);
  }
}

function help(io: Io, command: string): number {
  io.out(helpFor(command));
  return EXIT.OK;
}

function ctxOf(io: Io, values: { netns?: string; json?: boolean }, signal: AbortSignal, wrap: ((t: Transport) => Transport) | undefined): Context {
  return makeContext(io, { ...(values.netns !== undefined ? { netns: values.netns } : {}), json: values.json ?? false }, signal, wrap);
}

/** `nlkit OBJECT [show] [filters]` or `nlkit OBJECT COMMAND FIELD=VALUE...`. */
async function showOrChange(name: string, rest: string[], io: Io, signal: AbortSignal, wrap: ((t: Transport) => Transport) | undefined): Promise<number> {
  const object = showObject(name)!;
  const { values, positionals } = parse(rest, name, object.families ? { inet: { type: 'boolean', short: '4' }, inet6: { type: 'boolean', short: '6' } } : {});
  if (values.help) return help(io, name);
  const ctx = ctxOf(io, values, signal, wrap);
  const v = values as { inet?: boolean; inet6?: boolean };
  if (v.inet && v.inet6) throw usage('give -4 or -6, not both', name);
  const family = v.inet ? 'inet' : v.inet6 ? 'inet6' : undefined;
  const [verb, ...words] = positionals;
  if (verb === undefined || SHOW_VERBS.has(verb)) {
    await runShow(ctx, object, verb === undefined ? [] : words, family);
    return EXIT.OK;
  }
  const changeObject = CHANGE_OBJECT[name]!;
  if (BATCH_COMMANDS[changeObject].includes(verb)) {
    if (words.length === 0) throw usage(`${name} ${verb} needs FIELD=VALUE arguments (e.g. ${name === 'route' ? 'dst=10.0.0.0/24 gateway=10.0.0.1' : 'index=eth0'})`, name);
    return runChange(ctx, changeObject, verb, specFromPairs(words, name));
  }
  // Not a verb: filters of an implicit show (`nlkit route table all`, `nlkit link eth0`).
  await runShow(ctx, object, positionals, family);
  return EXIT.OK;
}

/** `nlkit record -o FILE [--format F] -- COMMAND...`. */
async function record(rest: string[], io: Io, signal: AbortSignal, wrap: ((t: Transport) => Transport) | undefined): Promise<number> {
  const dash = rest.indexOf('--');
  const own = dash < 0 ? rest : rest.slice(0, dash);
  const { values, positionals } = parse(own, 'record', { output: { type: 'string', short: 'o' }, format: { type: 'string' } });
  if (values.help) return help(io, 'record');
  const inner = dash < 0 ? positionals : [...positionals, ...rest.slice(dash + 1)];
  if (!values.output) throw usage('needs -o FILE, where to write the capture', 'record');
  if (inner.length === 0) throw usage('needs the command to record, after --', 'record');
  if (inner[0] === 'record') throw usage('cannot record a recording', 'record');
  const format = (values.format ?? (/\.pcapng$/i.test(values.output) ? 'pcapng' : 'pcap')) as CaptureFormat;
  if (format !== 'pcap' && format !== 'pcapng') throw usage(`--format is pcap or pcapng, not "${String(format)}"`, 'record');
  const { openFileSink } = await import('@nlkit/pcap/node');
  let sink;
  try {
    sink = openFileSink(values.output);
  } catch (e) {
    throw new CliError(EXIT.SYSTEM, `${values.output}: ${(e as Error).message}`, { cause: e });
  }
  let packets = -1; // the first chunk is the file header
  const writer = new PcapStreamWriter((chunk) => {
    packets++;
    sink.write(chunk);
  }, { format });
  const tap = (t: Transport): Transport => recordTransport(wrap ? wrap(t) : t, writer);
  // Global options given before 'record' belong to the recorded command.
  const globals: string[] = [];
  if (values.netns !== undefined) globals.push('--netns', values.netns);
  if (values.json) globals.push('--json');
  try {
    const code = await run([...globals, ...inner], io, { signal, wrapTransport: tap });
    io.err(`nlkit: recorded ${packets} datagram${packets === 1 ? '' : 's'} to ${values.output} (${format})\n`);
    return code;
  } finally {
    sink.close();
  }
}
