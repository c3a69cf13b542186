/**
 * A process that writes conversations as the app does while answers stream, until it is killed.
 * Used by test/unit/store-crash.test.ts: after each message is finished (its finish written), it
 * tells the parent what the store must hold from then on, whatever happens next.
 *
 * argv: <store dir> <seed>
 */
import { ConversationStore } from "../../../electron/core/store/conversation-store.js";

export interface FinishedReport {
  conversationId: string;
  userMessageId: string;
  userText: string;
  messageId: string;
  thought: string;
  answer: string;
  stopReason: string;
}

const [dir, seedText] = process.argv.slice(2);
let seed = Number(seedText) || 1;
/** Small deterministic PRNG (mulberry32), so a failing round can be replayed from its seed. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const words = ["prime", "integral", "wait", "so", "the", "answer", "is", "λ", "日本", '"quoted"', "line\nbreak", "emoji 🙂", "x²", "{json}"];
const phrase = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(" ");
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { store } = ConversationStore.open(dir!, { flushIntervalMs: 50 });
process.send!({ type: "ready" });

for (let round = 0; ; round++) {
  const existing = store.list().conversations;
  const conversation = existing.length && random() < 0.5 ? existing[Math.floor(random() * existing.length)]! : store.create();
  const userText = `Q${round}: ${phrase(3 + Math.floor(random() * 10))}`;
  const user = store.appendUserMessage(conversation.id, userText);
  const messageId = store.beginAssistantMessage(conversation.id, { model: "fixture", settings: { temperature: 0.6 } });
  let thought = "";
  let answer = "";
  const chunks = 5 + Math.floor(random() * 40);
  for (let i = 0; i < chunks; i++) {
    const delta = phrase(1 + Math.floor(random() * 4)) + " ";
    if (i < chunks * 0.7) thought += delta;
    else answer += delta;
    store.appendStream(messageId, i < chunks * 0.7 ? { thought: delta } : { answer: delta });
    await pause(random() < 0.8 ? 0 : 3);
  }
  store.finishMessage(messageId, { stopReason: "eos", metrics: { tokens: chunks } });
  const report: FinishedReport = { conversationId: conversation.id, userMessageId: user.id, userText, messageId, thought, answer, stopReason: "eos" };
  process.send!({ type: "finished", report });
  if (random() < 0.1) store.rename(conversation.id, `Renamed ${round}`);
  if (random() < 0.1) store.pin(conversation.id, random() < 0.5);
  // Compaction rewrites the whole file: a kill in the middle of it must leave the old or the new one.
  if (random() < 0.15) store.compact();
}
