import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture, LONG_SCRIPT_ANSWER, LONG_SCRIPT_THOUGHT } from "../fixtures/models.js";
import { CoreHarness } from "../support/engine/harness.js";

describe("engine: surviving the engine process dying", () => {
  let harness: CoreHarness;

  beforeAll(async () => {
    harness = await CoreHarness.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("SIGKILL mid-stream: the crash is reported, the partial message kept, and the next prompt works after an automatic restart", async () => {
    const file = await ensureFixture("scripted-r1-long");
    await harness.load({ path: file });
    const pid = harness.engine.client.pid!;

    const { jobId } = (await harness.call("chat.send", { conversationId: "c1", prompt: "Think long" })) as { jobId: string };
    await harness.waitFor("chat.delta", (e) => e.jobId === jobId && e.thought.length > 0);
    process.kill(pid, "SIGKILL");

    const done = await harness.waitFor("chat.done", (e) => e.jobId === jobId);
    expect(done.stopReason).toBe("crashed");
    expect(done.thought.length).toBeGreaterThan(0);
    expect(LONG_SCRIPT_THOUGHT.startsWith(done.thought)).toBe(true);
    expect(done.message).toMatch(/stopped unexpectedly.*SIGKILL.*generating a response/s);

    const crash = await harness.waitFor("engine.crashed");
    expect(crash).toMatchObject({ signal: "SIGKILL", exitCode: null, lastModel: file, lastOperation: "generate", restarted: true });

    // The model came back by itself in a new engine process.
    await harness.engine.client.whenRestarted();
    expect(harness.engine.client.pid).not.toBe(pid);
    expect(harness.engine.status()).toMatchObject({ state: "ready", model: { path: file }, lastCrash: { signal: "SIGKILL" } });

    const next = (await harness.call("chat.send", { conversationId: "c1", prompt: "Again, briefly", options: { thinkingBudget: 8 } })) as { jobId: string };
    const nextDone = await harness.waitFor("chat.done", (e) => e.jobId === next.jobId);
    expect(nextDone.stopReason).toBe("budget-reached");
    expect(nextDone.answer).toBe(LONG_SCRIPT_ANSWER);
  });

  it("a prompt sent while the engine restarts waits for it instead of failing", async () => {
    const pid = harness.engine.client.pid!;
    process.kill(pid, "SIGKILL");
    while (harness.engine.status().state !== "restarting") await new Promise((resolve) => setTimeout(resolve, 5));
    const { jobId } = (await harness.call("chat.send", { prompt: "Hello", options: { thinkingBudget: 4 } })) as { jobId: string };
    const done = await harness.waitFor("chat.done", (e) => e.jobId === jobId);
    expect(done.answer).toBe(LONG_SCRIPT_ANSWER);
    expect(harness.eventsOf("engine.crashed")).toHaveLength(2);
  });
});
