#!/usr/bin/env node
// The `nlkit` command of the umbrella package: runs @nlkit/cli's entry point.
import '@nlkit/cli/main';
