// When a crashed server is restarted: a few times, then never until the user asks.
// No `vscode` import here: the unit tests run this module under plain Node.

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    /** Restarts allowed within `windowMs`. */
    readonly maxRestarts = 3,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /**
   * Records a crash at `now` (ms) and says whether to restart. A server that never finished
   * starting is not restarted: it would only fail again the same way.
   */
  onCrash(now: number, everStarted: boolean): { restart: boolean; crashes: number } {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    const restart = everStarted && this.crashes.length <= this.maxRestarts;
    return { restart, crashes: this.crashes.length };
  }

  reset(): void {
    this.crashes = [];
  }
}
