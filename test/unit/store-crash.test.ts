import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConversationStore } from "../../electron/core/store/conversation-store.js";
import type { FinishedReport } from "../support/store/stream-writer.js";

const ROUNDS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));
let workDir: string;
let writerScript: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "r1-store-crash-"));
  // One bundle up front: each of the 50 writers then starts as plain node in a fraction of a second.
  writerScript = path.join(workDir, "stream-writer.mjs");
  await build({
    entryPoints: [path.join(here, "../support/store/stream-writer.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: writerScript,
    logLevel: "error",
  });
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Starts a writer and kills it with SIGKILL `killAfterMs` after it opened the store (or during the open when negative). */
function runWriterUntilKilled(storeDir: string, seed: number, killAfterMs: number, finished: Map<string, FinishedReport>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(writerScript, [storeDir, String(seed)], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const kill = () => child.kill("SIGKILL");
    if (killAfterMs < 0) setTimeout(kill, -killAfterMs);
    child.on("message", (message: { type: string; report?: FinishedReport }) => {
      if (message.type === "ready" && killAfterMs >= 0) setTimeout(kill, killAfterMs);
      if (message.type === "finished") finished.set(message.report!.messageId, message.report!);
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited by itself (${code}): ${stderr}`))));
  });
}

describe("the store under SIGKILL", () => {
  it(`keeps every finished message intact across ${ROUNDS} kills at random moments`, { timeout: 180_000 }, async () => {
    const storeDir = path.join(workDir, "conversations");
    const finished = new Map<string, FinishedReport>();
    let interruptedSeen = 0;
    let tornTails = 0;
    let seed = 20261128;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < ROUNDS; round++) {
      // Most kills land mid-stream; one in five lands while the writer is still opening the store.
      const killAfterMs = round % 5 === 4 ? -Math.floor(random() * 150) : Math.floor(random() * 250);
      await runWriterUntilKilled(storeDir, round + 1, killAfterMs, finished);

      const { store, report } = ConversationStore.open(storeDir);
      // Lines go out in one write() and compactions are renamed into place, so a kill leaves no
      // damage. (Linux may, in a window of nanoseconds, cut a write at a page boundary; that torn
      // last line would be the one repair allowed, and it must not cost any finished message.)
      if (report.notices.length) {
        tornTails++;
        expect(report.notices, `round ${round}`).toEqual([expect.stringMatching(/damaged \(1 of \d+ entries unreadable/)]);
      }
      interruptedSeen += report.interruptedMessages;
      for (const expected of finished.values()) {
        const messages = store.get(expected.conversationId).messages;
        const user = messages.find((m) => m.id === expected.userMessageId);
        const reply = messages.find((m) => m.id === expected.messageId);
        expect(user, `round ${round}`).toMatchObject({ role: "user", text: expected.userText });
        expect(reply, `round ${round}`).toMatchObject({
          role: "assistant",
          thought: expected.thought,
          answer: expected.answer,
          stopReason: expected.stopReason,
          interrupted: false,
        });
      }
      // Whatever was cut off is marked so, never left looking like it is still streaming.
      for (const summary of store.list().conversations) {
        for (const message of store.get(summary.id).messages) {
          if (message.role === "assistant") expect(message.finishedAt).not.toBeNull();
        }
      }
      store.close();
    }
    expect(finished.size).toBeGreaterThan(ROUNDS);
    expect(interruptedSeen).toBeGreaterThan(0);
    expect(tornTails).toBeLessThanOrEqual(1);
  });
});
