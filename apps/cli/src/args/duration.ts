import { CliError } from '../errors.js';

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * `10s`, `2m`, `1h` or a bare `10` (seconds) → whole seconds, at least 1: the API traces in whole seconds.
 * Throws a usage error naming `-d` for anything else (`0s`, `1.5s`, `500ms`).
 */
export function parseDurationSec(text: string): number {
  const match = /^(\d+)([smh]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * SECONDS_PER_UNIT[match[2] || 's']! : 0;
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new CliError(`-d/--duration: expected whole seconds like 10s, 2m or 1h, got "${text}"`);
  }
  return seconds;
}
