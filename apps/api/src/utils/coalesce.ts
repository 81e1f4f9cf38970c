/**
 * Runs a task per key at most once at a time, and lets callers share runs: a caller gets a run that starts after
 * its call (the one in flight may have begun before what the caller needs it to see), and every caller arriving
 * while a run is in flight shares the single run queued behind it. N callers of one key cost at most two runs in
 * flight-and-queued, however large N is.
 */
export class Coalescer {
  private readonly flights = new Map<string, { started: Promise<void>; queued?: Promise<void> }>();

  /**
   * Resolves when a run of `task` for `key` that started after this call has finished (rejects with its error).
   * Callers sharing a run share its outcome, so `task` must do the same for each of them.
   */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const flight = this.flights.get(key);
    if (!flight) return this.start(key, task);
    flight.queued ??= flight.started.catch(() => {}).then(() => this.start(key, task));
    return flight.queued;
  }

  private start(key: string, task: () => Promise<void>): Promise<void> {
    const started: Promise<void> = task().finally(() => {
      const flight = this.flights.get(key);
      // A queued run replaces this flight when it starts; without one, the key is idle again.
      if (flight?.started === started && !flight.queued) this.flights.delete(key);
    });
    this.flights.set(key, { started });
    return started;
  }
}
