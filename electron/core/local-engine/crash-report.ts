import type { CrashReport } from "../../shared/contract/engine.js";
import { AppError } from "../kernel/errors.js";
import type { EngineExit } from "./launcher.js";

/** What the engine was busy with when it died, as the client knows it. */
export interface WorkInProgress {
  model: string | null;
  operation: string | null;
}

/** Describes an engine crash for a person: how it ended, what it was doing, its last stderr lines. */
export function describeCrash(exit: EngineExit, work: WorkInProgress, stderrTail: string[], restarted: boolean, at: Date): CrashReport {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = stderrTail.join("\n");
  return {
    exitCode: exit.code,
    signal: exit.signal,
    lastModel: work.model,
    lastOperation: work.operation,
    at: at.toISOString(),
    message:
      `The inference engine stopped unexpectedly (it ${how}${work.operation ? ` while ${describeOperation(work.operation)}` : ""}${work.model ? `, model ${work.model}` : ""}).` +
      (restarted ? " It was restarted." : " It crashed repeatedly and was not restarted; load a model to try again.") +
      (tail ? `\nLast engine messages:\n${tail}` : ""),
    restarted,
  };
}

/** The report after the restart itself failed: the engine may be running without its model, or not at all. */
export function withFailedRestart(report: CrashReport, err: unknown, stillRunning: boolean): CrashReport {
  const why = err instanceof Error ? err.message : String(err);
  return { ...report, restarted: stillRunning, message: `${report.message}\nBringing it back failed: ${why}` };
}

/** The error calls in flight fail with when the engine dies; the report travels as its cause. */
export function crashError(report: CrashReport): AppError {
  return new AppError("crashed", report.message, { cause: report });
}

/** The crash report an error carries, if it is a crash error. */
export function crashReportOf(err: unknown): CrashReport | null {
  return err instanceof AppError && err.code === "crashed" && isCrashReport(err.cause) ? err.cause : null;
}

function isCrashReport(value: unknown): value is CrashReport {
  return typeof value === "object" && value !== null && "restarted" in value && "lastOperation" in value;
}

function describeOperation(operation: string): string {
  return operation === "load" ? "loading a model" : operation === "generate" ? "generating a response" : operation;
}
