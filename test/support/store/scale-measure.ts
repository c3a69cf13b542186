import { spawnSync } from "node:child_process";
import path from "node:path";
import type { ConversationStore } from "../../../electron/core/store/conversation-store.js";
import { RARE_WORD } from "./scale-fixture.js";

/** Times one call in milliseconds. */
function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/**
 * The app's store as the UI uses it: the list right after a change (it is cached until one), and a
 * search for a word in 6 messages of 100,000, so every conversation is scanned.
 */
export function measureStoreOnce(store: ConversationStore, round: number): { list_ms: number; search_ms: number } {
  const someone = store.list().conversations.at(-1)!.id;
  store.pin(someone, round % 2 === 0);
  const list_ms = timed(() => store.list());
  let found = 0;
  const search_ms = timed(() => (found = store.search(RARE_WORD).hits.length));
  if (found === 0) throw new Error("The planted word was not found: the benchmark corpus is wrong.");
  return { list_ms, search_ms };
}

/**
 * The naive way: read and parse the raw log for every request, nothing kept between calls. It runs
 * in its own node process so the garbage it makes (hundreds of MB) is never collected inside the
 * app's timings.
 */
export function measureNaiveOnce(dir: string): { list_ms: number; search_ms: number } {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", NAIVE_SCRIPT, path.join(dir, "conversations.jsonl"), RARE_WORD], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`naive scan failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { list_ms: number; search_ms: number };
}

const NAIVE_SCRIPT = `
import fs from "node:fs";
const [file, word] = process.argv.slice(1);
const scan = (visit) => { for (const line of fs.readFileSync(file, "utf8").split("\\n")) if (line) visit(JSON.parse(line.slice(8))); };
let start = performance.now();
const headers = new Map();
scan((r) => { if (r.k === "conv") headers.set(r.c.id, r.c); });
[...headers.values()].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt);
const list_ms = performance.now() - start;
start = performance.now();
const pattern = new RegExp(word, "i");
const hits = [];
scan((r) => { if (r.k === "msg" && (pattern.test(r.m.text ?? "") || pattern.test(r.m.thought ?? "") || pattern.test(r.m.answer ?? ""))) hits.push(r.m.id); });
const search_ms = performance.now() - start;
if (!hits.length) throw new Error("planted word not found");
process.stdout.write(JSON.stringify({ list_ms, search_ms }));
`;
