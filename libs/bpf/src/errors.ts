import { constants } from 'node:os';

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value as number, name]),
);

/** Symbolic name of an errno (`ENOENT`), or `errno <n>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/**
 * A libbpf or kernel call failed. `operation` names the call (e.g. `bpf_object__load`), `errno` is the
 * positive errno it reported, and `log` holds what libbpf printed during the operation (for a load, the
 * verifier log), which is also appended to `message`. Thrown by every libs/bpf wrapper; never retried
 * by the binding itself.
 */
export class BpfError extends Error {
  override readonly name = 'BpfError';
  constructor(
    readonly operation: string,
    readonly errno: number,
    detail?: string,
    readonly log = '',
  ) {
    const head = `${operation} failed: ${errnoName(errno)}${detail ? ` (${detail})` : ''}`;
    super(log ? `${head}\n--- libbpf log ---\n${log}` : head);
  }
}

/**
 * The host lacks a kernel or system feature the operation needs (e.g. an attach type, tracefs).
 * Not transient: the agent reports it and does not retry.
 */
export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
  constructor(
    readonly feature: string,
    message: string,
  ) {
    super(message);
  }
}
