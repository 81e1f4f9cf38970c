import { CliError } from '../errors.js';

/** A check's baseline as the API takes it: a job, or the latest succeeded job with a tag. */
export type Baseline = { jobId: string } | { tag: string };

/** `tag:<tag>` or `job:<jobId>` → {@link Baseline}; anything else is a usage error naming `--baseline`. */
export function parseBaseline(text: string): Baseline {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const value = text.slice(colon + 1);
  if (colon > 0 && value !== '') {
    if (kind === 'tag') return { tag: value };
    if (kind === 'job') return { jobId: value };
  }
  throw new CliError(`--baseline: expected tag:<tag> or job:<jobId>, got "${text}"`);
}
