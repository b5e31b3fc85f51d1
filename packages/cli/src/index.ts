/**
 * `@nlkit/cli`: the `nlkit` command. Its entry point is `main.ts` (the
 * `nlkit` bin); {@link run} runs it in-process over any {@link Io}.
 *
 * @packageDocumentation
 */
export { run, VERSION } from './cli.js';
export type { RunOptions } from './cli.js';
export { EXIT, CliError, describeError } from './errors.js';
export type { ExitCode } from './errors.js';
export type { Context, Io, OpenOptions } from './context.js';
export { processIo } from './io.js';
