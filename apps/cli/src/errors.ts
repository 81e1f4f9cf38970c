/**
 * The exit codes of every command: what CI scripts branch on. `check` uses all four; the other commands
 * exit 0 or {@link ExitCode.Error} (and `run -- CMD` passes on CMD's own code, see commands/run.ts).
 */
export const ExitCode = {
  Ok: 0,
  /** `check`: a threshold was exceeded. */
  Fail: 1,
  /** `check`: a threshold could not be judged (no baseline, too few samples, shift not significant). */
  Inconclusive: 2,
  /** Bad arguments, an API error answer, or an API that cannot be reached. */
  Error: 3,
} as const;

/** A failure the CLI explains in one line on stderr, then exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
  ) {
    super(message);
  }
}

/** The API answered with an error status; `message` is its own (for a 400 it starts with the field). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
