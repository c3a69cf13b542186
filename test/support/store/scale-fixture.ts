import fs from "node:fs";
import path from "node:path";
import type { Conversation, Message } from "../../../electron/shared/contract/conversations.js";
import { ConversationStore } from "../../../electron/core/store/conversation-store.js";

/** A word planted in a handful of messages, so a search for it scans everything (the worst case). */
export const RARE_WORD = "zygomorphic";

const vocabulary = (
  "the model considers whether each step holds so let me verify the integral by substitution wait that " +
  "is not right because the boundary term vanishes only when the function decays fast enough therefore we " +
  "check the limit again prime numbers below twenty are two three five seven eleven thirteen seventeen " +
  "nineteen and the answer follows Python code returns a list comprehension over range"
).split(" ");

/** Deterministic text (mulberry32), so every run of the benchmark searches the same corpus. */
function makeRandom(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `conversations` conversations of `turns` question/answer pairs into a fresh store at dir
 * (about 1.6 kB of text per turn: a question, ~1 kB of reasoning, ~0.5 kB of answer).
 */
export function buildScaleStore(dir: string, conversations = 10_000, turns = 5): { messages: number; bytes: number } {
  fs.rmSync(dir, { recursive: true, force: true });
  const random = makeRandom(7);
  const words = (chars: number) => {
    const out: string[] = [];
    let length = 0;
    while (length < chars) {
      const word = vocabulary[Math.floor(random() * vocabulary.length)]!;
      out.push(word);
      length += word.length + 1;
    }
    return out.join(" ");
  };
  const { store } = ConversationStore.open(dir);
  const start = Date.UTC(2025, 0, 1);
  let messages = 0;
  let batch: Conversation[] = [];
  for (let c = 0; c < conversations; c++) {
    const createdAt = start + c * 60_000;
    const list: Message[] = [];
    for (let t = 0; t < turns; t++) {
      const at = createdAt + t * 1000;
      const planted = (c * turns + t) % 9973 === 0 ? ` ${RARE_WORD} ` : " ";
      list.push({ id: `u-${c}-${t}`, role: "user", text: `Question ${c}.${t}: ${words(60 + random() * 140)}`, createdAt: at });
      list.push({
        id: `a-${c}-${t}`,
        role: "assistant",
        thought: words(600 + random() * 900) + planted + words(50),
        answer: words(300 + random() * 500),
        model: "DeepSeek-R1-Distill-Qwen-7B",
        metrics: { tokens: 500, tokensPerSecond: 20 },
        stopReason: "eos",
        interrupted: false,
        createdAt: at + 10,
        finishedAt: at + 900,
      });
      messages += 2;
    }
    batch.push({
      id: `c-${c}`,
      title: `Question ${c}`,
      titleSource: "auto",
      model: "DeepSeek-R1-Distill-Qwen-7B",
      variant: "Q4_K_M",
      settings: { temperature: 0.6 },
      pinned: c % 500 === 0,
      createdAt,
      updatedAt: createdAt + turns * 1000,
      messageCount: list.length,
      messages: list,
    });
    if (batch.length === 500) {
      store.insert(batch);
      batch = [];
    }
  }
  store.insert(batch);
  store.close();
  return { messages, bytes: fs.statSync(path.join(dir, "conversations.jsonl")).size };
}
