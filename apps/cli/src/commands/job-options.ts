import type { Command } from 'commander';
import { collect } from '../context.js';

/** `--host`, `-d`, `-p`: the options of `run` and `check` that define the job. */
export const addJobOptions = (command: Command): Command =>
  command
    .option('--host <host>', 'a host to run on (repeat for several)', collect)
    .option('-d, --duration <duration>', 'how long to trace: 10s, 2m, 1h (default 10s; with -- CMD, the most CMD may take: 1h)')
    .option('-p, --param <key=value>', "a tool param, typed by the tool's schema; arrays repeat or take commas", collect);
