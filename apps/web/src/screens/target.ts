/** How a new job names its hosts (POST /v1/jobs: exactly one of hosts, selector, all). */
export type TargetMode = 'hosts' | 'selector' | 'all';

/**
 * `role=db, zone=eu-1` → `{ role: 'db', zone: 'eu-1' }`; a part without `=` or with an empty key is a
 * message saying so (the API checks label syntax itself and names `selector` too).
 */
export function parseLabels(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `expected key=value, got "${part}"`;
    labels[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return Object.keys(labels).length > 0 ? labels : 'give at least one key=value';
}
