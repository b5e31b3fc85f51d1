#!/usr/bin/env node
/**
 * The `nlkit` executable: runs {@link run} with the process's streams,
 * turns SIGINT/SIGTERM into a clean stop, and exits with the status.
 */
import { processIo } from './io.js';
import { run } from './cli.js';
import { EXIT } from './errors.js';

const controller = new AbortController();
let signalled = false;
const onSignal = (): void => {
  if (signalled) process.exit(EXIT.INTERRUPTED); // a second Ctrl-C: stop now
  signalled = true;
  controller.abort();
  // Commands that do not listen for the signal (a show, a decode) end now;
  // those that do (monitor, apply) get a moment to finish cleanly.
  setTimeout(() => process.exit(EXIT.INTERRUPTED), 3000).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const io = processIo();
const code = await run(process.argv.slice(2), io, { signal: controller.signal });
await io.drain();
process.exit(code);
