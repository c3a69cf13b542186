import os from "node:os";
import type { Page } from "playwright-core";
import { startHarness, type HarnessPage } from "./harness-page.js";

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  tdur?: number;
  args?: { name?: string };
}

/** Records the CPU time of every task on the page's main thread while `work` runs. */
async function mainThreadTaskCpuMs<T>(page: Page, work: () => Promise<T>): Promise<{ result: T; taskCpuMs: number[] }> {
  const cdp = await page.context().newCDPSession(page);
  const mainThreads = new Set<string>();
  const tasks: { thread: string; ms: number }[] = [];
  cdp.on("Tracing.dataCollected", (event) => {
    for (const e of event.value as unknown as TraceEvent[]) {
      if (e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain") mainThreads.add(`${e.pid}:${e.tid}`);
      else if (e.name === "RunTask" && e.tdur !== undefined) tasks.push({ thread: `${e.pid}:${e.tid}`, ms: e.tdur / 1000 });
    }
  });
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  await cdp.send("Tracing.start", { categories: "disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  const result = await work();
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach();
  return { result, taskCpuMs: tasks.filter((t) => mainThreads.has(t.thread)).map((t) => t.ms) };
}

export interface FrameFigures {
  /**
   * Longest main-thread task by the thread's own CPU time (Chromium trace, RunTask `tdur`): unlike
   * wall-clock time it does not grow when other processes take the CPU away from the page.
   */
  longestTaskCpuMs: number;
  /** 95th percentile of frame-to-frame time, ms. */
  p95FrameMs: number;
  /** Longest main-thread task Chromium reported (it reports those of 50 ms or more; 0: none). */
  longestTaskMs: number;
  longTasks: number;
  frames: number;
  /** 1-minute load average of this machine while measuring (other work competes for the CPU). */
  loadAverage: number;
}

type PageHarness = {
  record(ms: number): Promise<{ frames: number[]; longTasks: number[] }>;
  stream(tokens: number, tokensPerSecond: number): Promise<void>;
  traceLength(): number;
};
declare const harness: PageHarness;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

function figures(recorded: { frames: number[]; longTasks: number[] }, taskCpuMs: number[]): FrameFigures {
  return {
    longestTaskCpuMs: round(Math.max(0, ...taskCpuMs)),
    p95FrameMs: round(percentile(recorded.frames, 95)),
    longestTaskMs: round(Math.max(0, ...recorded.longTasks)),
    longTasks: recorded.longTasks.length,
    frames: recorded.frames.length,
    loadAverage: round(os.loadavg()[0]!),
  };
}

/** The chat view in real Chromium (production build), one fresh page per measurement. */
export class StreamingBench {
  private constructor(private readonly ui: HarnessPage) {}

  static async start(): Promise<StreamingBench> {
    return new StreamingBench(await startHarness({ viewport: { width: 1280, height: 800 } }));
  }

  /** Streams `tokens` reasoning tokens (prose, code, math), then the answer, at `tokensPerSecond`. */
  async streaming(tokens: number, tokensPerSecond: number): Promise<FrameFigures & { traceChars: number }> {
    const page = await this.ui.open("streaming");
    await page.waitForTimeout(500);
    const streamMs = Math.ceil((tokens / tokensPerSecond) * 1000);
    const { result: recorded, taskCpuMs } = await mainThreadTaskCpuMs(page, async () => {
      const [frames] = await Promise.all([
        page.evaluate((ms) => harness.record(ms), streamMs),
        page.evaluate(([n, rate]) => harness.stream(n!, rate!), [tokens, tokensPerSecond]),
      ]);
      return frames;
    });
    return { ...figures(recorded, taskCpuMs), traceChars: await page.evaluate(() => harness.traceLength()) };
  }

  /** The same page, idle. */
  async idle(ms: number): Promise<FrameFigures> {
    const page = await this.ui.open("streaming");
    await page.waitForTimeout(500);
    const { result, taskCpuMs } = await mainThreadTaskCpuMs(page, () => page.evaluate((duration) => harness.record(duration), ms));
    return figures(result, taskCpuMs);
  }

  close(): Promise<void> {
    return this.ui.close();
  }
}
