/** The CLI's own arguments and the workload command after the first `--` (`bpfleet run … -- CMD ARGS`). */
export interface SplitArgs {
  args: string[];
  /** Undefined without `--`; an empty `--` gives an empty command, which the commands refuse. */
  command?: string[];
}

/**
 * Splits the arguments at the first `--` by hand rather than through commander's variadic arguments, so
 * that a stray word before `--` is an error instead of silently becoming the workload.
 */
export function splitCommand(args: readonly string[]): SplitArgs {
  const at = args.indexOf('--');
  return at < 0 ? { args: [...args] } : { args: args.slice(0, at), command: args.slice(at + 1) };
}
