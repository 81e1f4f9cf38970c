const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cursor names the last job of a page. Postgres keeps microseconds, JavaScript dates only
 * milliseconds, so the cursor carries the id and the query reads that job's exact created_at.
 */
export function encodeCursor(jobId: string): string {
  return Buffer.from(`j:${jobId}`).toString('base64url');
}

/** Returns the job id, or undefined when the cursor was not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString();
  if (!decoded.startsWith('j:')) return undefined;
  const id = decoded.slice(2);
  return UUID.test(id) ? id : undefined;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
