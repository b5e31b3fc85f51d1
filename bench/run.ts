/** `pnpm bench`: runs the suites and writes bench/results/latest.{json,md}. */
import { codecSuite } from './codec.js';
import { writeResults, type Result } from './harness.js';

const results: Result[] = [];
results.push(...codecSuite());
console.log(writeResults(results));
