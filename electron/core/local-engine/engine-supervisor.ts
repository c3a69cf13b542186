import type { CrashReport } from "../../shared/contract/engine.js";
import { crashError, describeCrash, withFailedRestart, type WorkInProgress } from "./crash-report.js";
import { EngineChannel } from "./engine-channel.js";
import type { EngineExit, EngineLauncher, EngineProcess } from "./launcher.js";
import { RestartBudget } from "./restart-budget.js";

export interface EngineSupervisorOptions {
  launcher: EngineLauncher;
  /** Told about every crash, after the restart was attempted. */
  onCrash?: (report: CrashReport) => void;
  /** At most this many automatic restarts within `restartWindowMs` (a crash loop stops there). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

/** What the supervisor needs from the client when the engine dies. */
export interface SupervisedWork {
  /** Named in the crash report. */
  inProgress(): WorkInProgress;
  /** The engine died and its calls failed: forget what it held. Returns what brings a restarted engine back. */
  crashed(): (restarted: EngineChannel) => Promise<void>;
}

/** Whether an engine process runs: none, launched but not ready yet, or ready for calls. */
export type EnginePhase = "stopped" | "starting" | "running";

/** The last lines of the engine's stderr (llama.cpp's own messages) that go into a crash report. */
const stderrLinesReported = 5;

/**
 * Keeps one engine process running: starts it on demand, notices when it dies, writes the crash
 * report and restarts it (within the restart budget), then lets the client restore its state.
 */
export class EngineSupervisor {
  private process: EngineProcess | undefined;
  private ready: Promise<EngineChannel> | undefined;
  private processReady = false;
  private closing = false;
  private restarting: Promise<void> | undefined;
  private crashReport: CrashReport | null = null;
  private readonly stderrTail: string[] = [];
  private readonly budget: RestartBudget;

  constructor(
    private readonly options: EngineSupervisorOptions,
    private readonly work: SupervisedWork,
  ) {
    this.budget = new RestartBudget(options.maxRestarts, options.restartWindowMs);
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get phase(): EnginePhase {
    if (!this.process) return "stopped";
    return this.processReady ? "running" : "starting";
  }

  get isRestarting(): boolean {
    return this.restarting !== undefined;
  }

  get lastCrash(): CrashReport | null {
    return this.crashReport;
  }

  /** Starts the engine process if it is not running; resolves when it is ready for calls. */
  async start(): Promise<EngineChannel> {
    if (this.closing) throw new Error("The engine is shutting down.");
    if (this.restarting) await this.restarting;
    this.ready ??= this.spawn();
    return this.ready;
  }

  /** Resolves when an automatic restart (and the client's restore) has finished. */
  async whenRestarted(): Promise<void> {
    await this.restarting;
  }

  /** Ends a process that stopped answering (a backend hung while starting): it goes the crash way, restart included. */
  kill(): void {
    this.process?.kill("SIGKILL");
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): Promise<EngineChannel> {
    const child = this.options.launcher.launch();
    this.process = child;
    this.processReady = false;
    return new Promise<EngineChannel>((resolve, reject) => {
      const channel = new EngineChannel(child, () => {
        this.processReady = true;
        resolve(channel);
      });
      child.onStderr((text) => this.keepStderr(text));
      child.onExit((exit) => {
        if (this.process !== child) return;
        this.process = undefined;
        this.ready = undefined;
        this.processReady = false;
        reject(new Error(`The engine process exited before it was ready (${exit.signal ?? `code ${exit.code}`}).`));
        if (this.closing) channel.close(new Error("The engine was shut down."));
        else this.recover(channel, exit);
      });
    });
  }

  private keepStderr(text: string): void {
    for (const line of text.split("\n")) if (line.trim()) this.stderrTail.push(line);
    this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - stderrLinesReported));
  }

  /** After a crash: fail the calls in flight, report, and restart unless the engine keeps crashing. */
  private recover(deadChannel: EngineChannel, exit: EngineExit): void {
    const now = Date.now();
    const mayRestart = this.budget.allowsRestartAfterCrashAt(now);
    const report = describeCrash(exit, this.work.inProgress(), this.stderrTail, mayRestart, new Date(now));
    this.crashReport = report;
    deadChannel.close(crashError(report));
    const restore = this.work.crashed();
    if (!mayRestart) {
      this.options.onCrash?.(report);
      return;
    }
    let told = report;
    this.restarting = (async () => {
      this.ready = this.spawn();
      await restore(await this.ready);
    })()
      .catch((err: unknown) => {
        told = withFailedRestart(report, err, Boolean(this.process));
        this.crashReport = told;
      })
      .finally(() => {
        this.restarting = undefined;
      });
    void this.restarting.then(() => this.options.onCrash?.(told));
  }
}
