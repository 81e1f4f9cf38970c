import { CliError } from '../errors.js';

/**
 * `--threshold NAME=LIMIT` options → the API's `thresholds` object (`{ "p99": "+10%" }`). A name may hold
 * `=` itself (`syscall=getppid=+20%` is name `syscall=getppid`), so the split is at the last `=`; the limit
 * is passed on as written, for the API to judge. A missing part or a name given twice is a usage error.
 */
export function parseThresholds(options: readonly string[]): Record<string, string> {
  const thresholds: Record<string, string> = {};
  for (const option of options) {
    const at = option.lastIndexOf('=');
    const name = option.slice(0, Math.max(at, 0)).trim();
    const limit = option.slice(at + 1).trim();
    if (at < 0 || name === '' || limit === '') {
      throw new CliError(`--threshold: expected NAME=LIMIT like p99=+10% or syscall=read=+5%, got "${option}"`);
    }
    if (Object.hasOwn(thresholds, name)) throw new CliError(`--threshold: "${name}" is given twice`);
    thresholds[name] = limit;
  }
  if (Object.keys(thresholds).length === 0) throw new CliError('--threshold: give at least one, e.g. --threshold p99=+10%');
  return thresholds;
}
