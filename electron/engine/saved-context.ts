import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LlamaContextSequence } from "node-llama-cpp";
import { z } from "zod";
import type { ConversationWindow } from "./conversation-window.js";
import { SavedHistoryItem, SavedTurn } from "./saved-history.js";

/**
 * A conversation's evaluated context on disk: llama.cpp's sequence state file, and beside it a
 * manifest (`<file>.json`) naming what made it — the model file, the context settings — with the
 * state file's size and SHA-256 and the conversation window it ends with. llama.cpp trusts a
 * state file blindly (another model's can crash the process), so nothing is loaded unless the
 * manifest matches the loaded model exactly and the bytes hash to what was written.
 */
export interface StateIdentity {
  modelPath: string;
  modelBytes: number;
  modelModifiedMs: number;
  /** Everything about the context that changes what its cache holds (size, cache types, …). */
  contextSettings: string;
}

const Manifest = z.object({
  format: z.literal(1),
  identity: z.object({ modelPath: z.string(), modelBytes: z.number(), modelModifiedMs: z.number(), contextSettings: z.string() }),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tokens: z.number().int().min(0),
  window: z.object({ history: z.array(SavedHistoryItem), shiftMetadata: z.unknown(), turns: z.array(SavedTurn) }).nullable(),
});

/** The problem a state file whose last load never finished is skipped with. */
export const CRASHED_LOADING = "loading it stopped the engine last time";

export type RestoreOutcome = { restored: true; tokens: number; window: ConversationWindow | undefined } | { restored: false; problem: string };

export async function identityOf(modelPath: string, contextSettings: Record<string, unknown>): Promise<StateIdentity> {
  const file = await stat(modelPath);
  return { modelPath, modelBytes: file.size, modelModifiedMs: Math.trunc(file.mtimeMs), contextSettings: JSON.stringify(contextSettings) };
}

/** Saves the sequence's state to `file` (replacing it atomically) with its manifest; returns bytes on disk and tokens. */
export async function saveConversationState(
  sequence: LlamaContextSequence,
  file: string,
  identity: StateIdentity,
  window: ConversationWindow | undefined,
): Promise<{ bytes: number; tokens: number }> {
  const partial = `${file}.part`;
  try {
    const tokens = sequence.contextTokens.length;
    await sequence.saveStateToFile(partial);
    const { size } = await stat(partial);
    const manifest: z.infer<typeof Manifest> = { format: 1, identity, bytes: size, sha256: await sha256Of(partial), tokens, window: serializable(window) };
    await rename(partial, file);
    const manifestText = JSON.stringify(manifest);
    await writeFile(`${file}.json.part`, manifestText);
    await rename(`${file}.json.part`, `${file}.json`);
    return { bytes: size + Buffer.byteLength(manifestText), tokens };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Loads `file` into the sequence when its manifest and bytes prove it belongs to this model and context; else says why not. */
export async function restoreConversationState(sequence: LlamaContextSequence, file: string, identity: StateIdentity): Promise<RestoreOutcome> {
  let manifest: z.infer<typeof Manifest>;
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(`${file}.json`, "utf8")));
    if (!parsed.success) return { restored: false, problem: "its description is damaged" };
    manifest = parsed.data;
  } catch (err) {
    return { restored: false, problem: (err as NodeJS.ErrnoException).code === "ENOENT" ? "it is missing" : "its description is damaged" };
  }
  const saved = manifest.identity;
  if (saved.modelPath !== identity.modelPath || saved.modelBytes !== identity.modelBytes || saved.modelModifiedMs !== identity.modelModifiedMs)
    return { restored: false, problem: "it was made with another model" };
  if (saved.contextSettings !== identity.contextSettings) return { restored: false, problem: "it was made with other context settings" };
  if (manifest.tokens > sequence.contextSize) return { restored: false, problem: "it is longer than the context" };
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== manifest.bytes || (await sha256Of(file)) !== manifest.sha256)
    return { restored: false, problem: "the file is damaged (its size or checksum differs)" };
  // llama.cpp may abort the process on a state it cannot take. The marker outlives such a crash,
  // so the next try skips the file instead of crashing the engine again on every try.
  const marker = loadingMarker(file);
  if (await exists(marker)) return { restored: false, problem: CRASHED_LOADING };
  await writeFile(marker, new Date().toISOString());
  try {
    await sequence.loadStateFromFile(file, { acceptRisk: true });
  } finally {
    await rm(marker, { force: true });
  }
  return { restored: true, tokens: sequence.contextTokens.length, window: (manifest.window as ConversationWindow | null) ?? undefined };
}

/** The file that says a native load of `file` is under way (left behind if that load crashed). */
export function loadingMarker(file: string): string {
  return `${file}.loading`;
}

/**
 * Moves a state file that was not used (and its manifest and marker) to `set-aside/` beside it,
 * where the person or a bug report can find it; only the latest one is kept there (they are large).
 */
export async function setAsideState(file: string): Promise<string> {
  const folder = path.join(path.dirname(file), "set-aside");
  await mkdir(folder, { recursive: true });
  for (const old of await readdir(folder)) await rm(path.join(folder, old), { force: true });
  for (const name of [file, `${file}.json`, loadingMarker(file)]) {
    await rename(name, path.join(folder, path.basename(name))).catch(() => undefined);
  }
  return path.join(folder, path.basename(file));
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The window as plain JSON, or nothing when it holds something JSON cannot carry. */
function serializable(window: ConversationWindow | undefined): z.infer<typeof Manifest>["window"] {
  if (!window) return null;
  try {
    return JSON.parse(JSON.stringify(window)) as z.infer<typeof Manifest>["window"];
  } catch {
    return null;
  }
}
