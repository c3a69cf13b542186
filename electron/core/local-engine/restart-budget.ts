/**
 * At most `maxRestarts` automatic restarts within a sliding window: an engine that keeps crashing
 * (a model that kills it on every load, a broken driver) stays down instead of looping.
 */
export class RestartBudget {
  private readonly crashTimes: number[] = [];

  constructor(
    private readonly maxRestarts = 3,
    private readonly windowMs = 60_000,
  ) {}

  /** Records a crash at `now`; true while the crashes in the window stay within the budget. */
  allowsRestartAfterCrashAt(now: number): boolean {
    while (this.crashTimes.length && now - this.crashTimes[0]! > this.windowMs) this.crashTimes.shift();
    this.crashTimes.push(now);
    return this.crashTimes.length <= this.maxRestarts;
  }
}
