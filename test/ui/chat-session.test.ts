import { describe, expect, test } from "vitest";
import type { ChatDone } from "../../electron/shared/contract/chat.js";
import { ChatSession, type ChatDelta, type ChatGateway, type SendRequest } from "../../renderer/src/lib/state/chat-session.svelte.js";

/** A chat.done's ids and source when the store's ids do not matter to the test. */
const LOCAL_ANSWER = { userMessageId: null, messageId: null, answeredBy: { kind: "local" } } as const;

/** A stand-in core that records requests and lets the test play events, even before send() returns. */
function fakeCore() {
  const sent: SendRequest[] = [];
  const cancelled: string[] = [];
  let delta: (d: ChatDelta) => void = () => {};
  let done: (d: ChatDone) => void = () => {};
  let beforeReply: () => void = () => {};
  let fetched = 0;
  const gateway: ChatGateway = {
    messages: async () => (
      fetched++,
      [
        { id: "u1", role: "user", text: "2+2?", attachments: [{ name: "sum.py", content: "print(2+2)\n", tokens: 6 }], createdAt: 1 },
        {
          id: "a1",
          role: "assistant",
          thought: "Add them.",
          answer: "4",
          model: null,
          metrics: { thoughtTokens: 3 },
          stopReason: "end",
          interrupted: false,
          createdAt: 2,
          finishedAt: 3,
        },
      ]
    ),
    send: async (request) => {
      sent.push(request);
      beforeReply();
      return { jobId: `job-${sent.length}` };
    },
    measure: async () => ({ attachmentTokens: [], promptTokens: 0, contextSize: 4096 }),
    cancel: async (jobId) => void cancelled.push(jobId),
    onDelta: (l) => ((delta = l), () => {}),
    onDone: (l) => ((done = l), () => {}),
  };
  const finish = (jobId: string, stopReason: ChatDone["stopReason"] = "end"): void =>
    done({ jobId, conversationId: "c1", ...LOCAL_ANSWER, stopReason, thought: "", answer: "", metrics: null, message: null });
  return {
    gateway,
    sent,
    cancelled,
    delta: (d: ChatDelta) => delta(d),
    done: (d: ChatDone) => done(d),
    finish,
    fetched: () => fetched,
    setBeforeReply: (f: () => void) => (beforeReply = f),
  };
}

const noFrames = () => {};

describe("chat session state", () => {
  test("opens a stored conversation: question, trace and answer", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    expect(session.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(session.messages[1]!.thought.text).toBe("Add them.");
    expect(session.messages[1]!.answer.text).toBe("4");
    expect(session.messages[1]!.thoughtTokens).toBe(3);
    expect(session.messages[1]!.panel.expanded).toBe(false);
  });

  test("events that arrive before send() returns are not lost", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    core.setBeforeReply(() => core.delta({ jobId: "job-1", thought: "early ", answer: "" }));
    await session.send("Why?");
    core.delta({ jobId: "job-1", thought: "thought", answer: "" });
    core.delta({ jobId: "other-job", thought: "not ours", answer: "" });
    core.delta({ jobId: "job-1", thought: "", answer: "Because." });
    core.finish("job-1");
    const reply = session.messages.at(-1)!;
    expect(reply.thought.text).toBe("early thought");
    expect(reply.answer.text).toBe("Because.");
    expect(reply.status).toBe("done");
    expect(session.generating).toBe(false);
    expect(core.sent[0]).toMatchObject({ conversationId: "c1", prompt: "Why?" });
  });

  test("the core's running count of reasoning tokens reaches the thinking header", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.send("Why?");
    core.delta({ jobId: "job-1", thought: "Let me see.", answer: "", thoughtTokens: 1240 });
    expect(session.messages.at(-1)!.thoughtTitle).toMatch(/^Thinking… \d+:\d\d · 1,240 tokens$/);
  });

  test("stop cancels the running job and the answer is marked interrupted", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.send("Long one");
    await session.stop();
    expect(core.cancelled).toEqual(["job-1"]);
    core.finish("job-1", "aborted");
    expect(session.messages.at(-1)!.status).toBe("interrupted");
  });

  test("regenerate asks the last question again, dropping it and its answer from the store first", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.regenerate();
    // The question's file goes with it again: without it the new answer would not see the code.
    expect(core.sent[0]).toMatchObject({ prompt: "2+2?", rewindFrom: "u1", attachments: [{ name: "sum.py", content: "print(2+2)\n", tokens: 6 }] });
    expect(session.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(session.messages[1]!.streaming).toBe(true);
  });

  test("edit and resend replaces the question and drops what followed", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.editAndResend("u1", "3+3?");
    expect(core.sent[0]).toMatchObject({ prompt: "3+3?", rewindFrom: "u1", attachments: [{ name: "sum.py" }] });
    expect(session.messages[0]!.content).toBe("3+3?");
    expect(session.messages).toHaveLength(2);
  });

  test("an answer stopped at the context goes on in the larger context it offered, keeping what it wrote", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.send("Think hard");
    core.delta({ jobId: "job-1", thought: "Step one, step two", answer: "" });
    core.done({
      jobId: "job-1",
      conversationId: "c1",
      userMessageId: "u2",
      messageId: "a2",
      answeredBy: { kind: "local" },
      stopReason: "context-full",
      thought: "",
      answer: "",
      metrics: null,
      message: "Full.",
      largerContext: { contextSize: 32768, kvCacheType: "q4_0" },
    });
    const stopped = session.messages.at(-1)!;
    expect(stopped.largerContext).toEqual({ contextSize: 32768, kvCacheType: "q4_0" });
    expect(stopped.id).toBe("a2");
    await session.continueInLargerContext();
    // The context goes back with the cache type its estimate assumed, so the core asks the estimator nothing more.
    expect(core.sent[1]).toEqual({
      conversationId: "c1",
      rewindFrom: "a2",
      resume: { thought: "Step one, step two", answer: "", contextSize: 32768, kvCacheType: "q4_0" },
      thinkingBudget: undefined,
    });
    expect(session.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    core.delta({ jobId: "job-2", thought: ", step three", answer: "Done." });
    core.finish("job-2");
    const continued = session.messages.at(-1)!;
    expect(continued.thought.text).toBe("Step one, step two, step three");
    expect(continued.answer.text).toBe("Done.");
    expect(continued.largerContext).toBeUndefined();
  });

  test("a new question and its answer take the store's ids from chat.done, without fetching the conversation again", async () => {
    const core = fakeCore();
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.send("3+3?");
    core.delta({ jobId: "job-1", thought: "Add.", answer: "6" });
    core.done({
      jobId: "job-1",
      conversationId: "c1",
      userMessageId: "u2",
      messageId: "a2",
      answeredBy: { kind: "local" },
      stopReason: "end",
      thought: "Add.",
      answer: "6",
      metrics: null,
      message: null,
    });
    expect(session.messages.map((m) => m.id)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(core.fetched()).toBe(1);
    // Regenerate and edit name the stored question at once.
    await session.regenerate();
    expect(core.sent[1]).toMatchObject({ prompt: "3+3?", rewindFrom: "u2" });
  });

  test("a refused send shows the core's message on the answer", async () => {
    const core = fakeCore();
    core.gateway.send = async () => {
      throw new Error("No model is loaded.");
    };
    const session = new ChatSession(core.gateway, noFrames);
    session.connect();
    await session.open("c1");
    await session.send("Hello");
    expect(session.error).toBe("No model is loaded.");
    expect(session.generating).toBe(false);
  });
});
