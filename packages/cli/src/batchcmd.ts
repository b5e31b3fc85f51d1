/**
 * `nlkit compile SPEC -o FILE`, `nlkit apply FILE`, and the one-request
 * changes (`nlkit route add dst=10.0.0.0/24 gateway=10.0.0.1`), all built
 * by `@nlkit/batch` with the builders `IPRoute` uses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Batch, BatchFormatError, BATCH_COMMANDS, applyBatch, type ApplyReport, type BatchObject } from '@nlkit/batch';
import { IPRoute } from '@nlkit/client';
import { NlEncodeError } from '@nlkit/core';
import type { Context } from './context.js';
import { CliError, EXIT, specMessage, usage } from './errors.js';
import { toJson } from './format.js';

/** The objects a spec entry may name, and the object each stands for. */
const SPEC_OBJECTS: Readonly<Record<string, BatchObject | 'tc'>> = {
  link: 'link', addr: 'addr', address: 'addr', route: 'route', rule: 'rule', neigh: 'neigh', neighbour: 'neigh', neighbor: 'neigh',
  fdb: 'fdb', vlan: 'vlan', qdisc: 'qdisc', class: 'class', filter: 'filter', chain: 'chain', action: 'action', tc: 'tc',
};

/** What a spec file holds once read. */
interface SpecFile {
  names: Record<string, number>;
  requests: Record<string, unknown>[];
}

/** Reads a JSON or YAML spec: a list of requests, or `{ names: {...}, requests: [...] }`. */
async function readSpec(ctx: Context, file: string): Promise<SpecFile> {
  let text: string;
  try {
    text = file === '-' ? new TextDecoder().decode(await ctx.io.readStdin()) : await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(EXIT.INPUT, `${file}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let doc: unknown;
  const json = extname(file) === '.json' || /^\s*[[{]/.test(text);
  try {
    if (json) doc = JSON.parse(text);
    else {
      const { parse } = await import('yaml');
      doc = parse(text, { intAsBigInt: false });
    }
  } catch (e) {
    throw new CliError(EXIT.INPUT, `${file}: not valid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const requests = Array.isArray(doc) ? doc : (doc as { requests?: unknown })?.requests;
  const names = Array.isArray(doc) ? {} : ((doc as { names?: unknown })?.names ?? {});
  if (!Array.isArray(requests)) throw new CliError(EXIT.INPUT, `${file}: expected a list of requests, or { names: {...}, requests: [...] }`);
  if (typeof names !== 'object' || names === null || Object.values(names).some((v) => !Number.isInteger(v))) {
    throw new CliError(EXIT.INPUT, `${file}: "names" must map device names to indices ({ eth0: 2 })`);
  }
  return { names: names as Record<string, number>, requests: requests as Record<string, unknown>[] };
}

/** Appends spec entry `i` (`{ route: 'add', dst: ... }`) to the batch. */
function addEntry(batch: Batch, entry: unknown, i: number, file: string): void {
  const where = `${file}: request ${i + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new CliError(EXIT.INPUT, `${where}: expected an object like { route: add, dst: 10.0.0.0/24 }`);
  const keys = Object.keys(entry).filter((k) => Object.hasOwn(SPEC_OBJECTS, k));
  if (keys.length !== 1) {
    throw new CliError(EXIT.INPUT, `${where}: ${keys.length ? `names ${keys.join(' and ')}` : 'names no object'}; give exactly one of ${Object.keys(SPEC_OBJECTS).join(', ')} with its command (route: add)`);
  }
  const key = keys[0]!;
  const { [key]: command, ...spec } = entry as Record<string, unknown>;
  try {
    if (SPEC_OBJECTS[key] === 'tc') {
      const { kind, ...rest } = spec;
      batch.tc(command as 'add', kind as string, rest);
    } else batch.add(SPEC_OBJECTS[key] as BatchObject, command as string, spec);
  } catch (e) {
    if (e instanceof NlEncodeError) throw new CliError(EXIT.INPUT, `${where}: ${specMessage(e)}`, { cause: e });
    throw e;
  }
}

/** `name=index` pairs of `--dev`. */
function devPairs(list: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(p);
    if (!m) throw usage(`--dev expects NAME=INDEX, got "${p}"`, 'compile');
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Every device name and index in the namespace (for `--lookup` and one-request changes). */
async function liveNames(ctx: Context): Promise<Record<string, number>> {
  const ipr = new IPRoute(await ctx.openTransport(), { timeoutMs: 10_000 });
  try {
    const out: Record<string, number> = {};
    for (const l of await ipr.getLinks()) out[String(l.attrs.ifname)] = l.header.index;
    return out;
  } finally {
    await ipr.close();
  }
}

/** Options of `nlkit compile`. */
export interface CompileOptions {
  output: string | undefined;
  format: string | undefined;
  dev: string[] | undefined;
  lookup: boolean;
}

/** The output format: `--format`, else the extension (`.pcap`, `.pcapng`; anything else raw bytes). */
function outputFormat(file: string | undefined, format: string | undefined): 'raw' | 'pcap' | 'pcapng' {
  const f = format ?? (file && /\.pcapng$/i.test(file) ? 'pcapng' : file && /\.pcap$/i.test(file) ? 'pcap' : 'raw');
  if (f !== 'raw' && f !== 'pcap' && f !== 'pcapng') throw usage(`--format is raw, pcap or pcapng, not "${f}"`, 'compile');
  return f;
}

/** `nlkit compile`: spec file → batch bytes or capture. */
export async function runCompile(ctx: Context, file: string, options: CompileOptions): Promise<void> {
  const spec = await readSpec(ctx, file);
  const names = { ...(options.lookup ? await liveNames(ctx) : {}), ...spec.names, ...devPairs(options.dev) };
  const batch = new Batch({ names });
  spec.requests.forEach((entry, i) => addEntry(batch, entry, i, file));
  const format = outputFormat(options.output, options.format);
  const bytes = format === 'raw' ? batch.toBytes() : batch.toCapture({ format });
  if (options.output === undefined || options.output === '-') {
    if (ctx.io.outIsTTY) throw usage('refusing to write binary to a terminal: give -o FILE (or -o - to force)', 'compile');
    ctx.io.out(bytes);
  } else {
    await writeFile(options.output, bytes);
  }
  ctx.io.err(`nlkit: compiled ${batch.length} request${batch.length === 1 ? '' : 's'} (${batch.byteLength} bytes) from ${file}${options.output && options.output !== '-' ? ` to ${options.output} (${format})` : ''}\n`);
}

/** Options of `nlkit apply`. */
export interface ApplyCliOptions {
  force: boolean;
  quiet: boolean;
  maxUnacked: number | undefined;
  maxDatagram: number | undefined;
}

/** A progress bar on stderr, redrawn at most every 100 ms. */
function progressBar(ctx: Context, total: number): { update(done: number, failed: number): void; clear(): void } {
  let last = 0;
  const width = Math.max(10, Math.min(40, (ctx.io.columns ?? 80) - 45));
  return {
    update(done, failed) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const filled = Math.round((done / total) * width);
      ctx.io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)}% ${done}/${total}${failed ? ` (${failed} failed)` : ''}`);
    },
    clear() {
      if (last) ctx.io.err('\r\x1b[K');
    },
  };
}

/** Prints a report: one line per request (failures only with `quiet`), then a summary on stderr. Returns the exit code. */
function printReport(ctx: Context, batch: Batch, report: ApplyReport, quiet: boolean): number {
  if (ctx.json) {
    const results = [...report].map((r) => ({
      index: r.index,
      outcome: r.outcome,
      operation: batch.describe(r.index),
      ...(r.error ? { errno: r.error.errno, code: r.error.code, message: r.error.extack.message ?? null } : {}),
    }));
    const { total, ok, failed, skipped, unknown, stopped, durationMs } = report;
    ctx.io.out(toJson({ total, ok, failed, skipped, unknown, stopped: stopped ?? null, durationMs, results }) + '\n');
  } else {
    const lines: string[] = [];
    const flush = (): void => {
      if (lines.length) ctx.io.out(lines.join('\n') + '\n');
      lines.length = 0;
    };
    for (const r of report) {
      if (quiet && r.outcome === 'ok') continue;
      const label = r.error ? r.error.message.replace(/ \(seq \d+\)$/, '') : batch.describe(r.index);
      lines.push(`${r.outcome.padEnd(7)} #${r.index + 1}  ${label}`);
      if (lines.length >= 4096) flush();
    }
    flush();
  }
  const why = report.stopped === 'error' ? '; stopped at the first error (use --force to go on)' : report.stopped ? `; stopped: ${report.stopped}` : '';
  const cause = report.cause instanceof Error ? ` (${report.cause.message})` : '';
  ctx.io.err(
    `nlkit: ${report.total} request${report.total === 1 ? '' : 's'}: ${report.ok} ok, ${report.failed} failed` +
      `${report.skipped ? `, ${report.skipped} skipped` : ''}${report.unknown ? `, ${report.unknown} unknown` : ''} in ${report.durationMs} ms${why}${cause}\n`,
  );
  if (report.allOk) return EXIT.OK;
  if (report.stopped === 'transport-error' || report.stopped === 'closed' || report.stopped === 'timeout') return EXIT.SYSTEM;
  if (report.stopped === 'aborted') return EXIT.INTERRUPTED;
  const perms = report.failures.length > 0 && report.failures.every((f) => f.error.errno === 1 || f.error.errno === 13);
  return perms ? EXIT.PERMISSION : EXIT.KERNEL;
}

/** Sends `batch` in the namespace and prints the report; returns the exit code. */
async function send(ctx: Context, batch: Batch, options: ApplyCliOptions): Promise<number> {
  const transport = await ctx.openTransport({ strictCheck: false });
  const bar = ctx.io.errIsTTY && !ctx.json && batch.length >= 1000 ? progressBar(ctx, batch.length) : undefined;
  try {
    const report = await applyBatch(batch, transport, {
      onError: options.force ? 'continue' : 'stop',
      signal: ctx.signal,
      ...(options.maxUnacked !== undefined ? { maxUnacked: options.maxUnacked } : {}),
      ...(options.maxDatagram !== undefined ? { maxDatagramRequests: options.maxDatagram } : {}),
      ...(bar ? { onProgress: (p) => bar.update(p.done, p.failed) } : {}),
    });
    bar?.clear();
    return printReport(ctx, batch, report, options.quiet);
  } finally {
    await transport.close();
  }
}

/** `nlkit apply FILE`: loads a compiled batch (bytes or capture) and sends it. */
export async function runApply(ctx: Context, file: string, options: ApplyCliOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? await ctx.io.readStdin() : new Uint8Array(await readFile(file));
  } catch (e) {
    throw new CliError(EXIT.INPUT, `${file}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let batch: Batch;
  try {
    batch = Batch.from(bytes);
  } catch (e) {
    if (e instanceof BatchFormatError) throw new CliError(EXIT.INPUT, `${file}: not a batch: ${e.message}`, { cause: e });
    throw e;
  }
  if (batch.length === 0) throw new CliError(EXIT.INPUT, `${file}: holds no requests`);
  return send(ctx, batch, options);
}

/** The commands each object takes on the command line (the batch's). */
export function changeCommands(object: BatchObject): readonly string[] {
  return BATCH_COMMANDS[object];
}

/**
 * One change, as `nlkit route add dst=10.0.0.0/24 gateway=10.0.0.1
 * oif=eth0`: the spec's fields as `FIELD=VALUE`, device names looked up in
 * the namespace, sent and acknowledged. Errors read as the client's
 * (`route add 10.0.0.0/24: EEXIST (File exists)`).
 */
export async function runChange(ctx: Context, object: BatchObject, command: string, spec: Record<string, unknown>): Promise<number> {
  const names = await liveNames(ctx);
  const batch = new Batch({ names });
  try {
    if (['qdisc', 'class', 'filter', 'chain'].includes(object) && typeof spec.dev === 'string' && spec.index === undefined) {
      spec = { ...spec, index: spec.dev };
      delete spec.dev;
    }
    batch.add(object, command, spec);
  } catch (e) {
    if (e instanceof NlEncodeError) throw usage(specMessage(e), object);
    throw e;
  }
  const transport = await ctx.openTransport({ strictCheck: false });
  try {
    const report = await applyBatch(batch, transport, { onError: 'stop', signal: ctx.signal, replyTimeoutMs: 10_000 });
    const error = report.error(0);
    if (error) throw error;
    if (!report.allOk) throw new CliError(EXIT.SYSTEM, `${batch.describe(0)}: no answer from the kernel (${report.stopped ?? 'unknown'})`);
    if (ctx.json) ctx.io.out(toJson({ operation: batch.describe(0), outcome: 'ok' }) + '\n');
    return EXIT.OK;
  } finally {
    await transport.close();
  }
}
