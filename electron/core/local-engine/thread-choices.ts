import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { ThreadsMeasurement, type BackendChoice } from "../../shared/contract/engine.js";
import { JsonStateFile, type OnDamaged } from "../kernel/state-file.js";

const Choice = z.object({
  threads: z.number().int().min(1),
  batchThreads: z.number().int().min(1).optional(),
  measuredAt: z.string(),
  candidates: ThreadsMeasurement.shape.candidates,
  batchCandidates: ThreadsMeasurement.shape.batchCandidates,
  flashAttention: ThreadsMeasurement.shape.flashAttention,
});
const ChoicesFile = z.record(z.string(), Choice);

/**
 * Thread counts the engine measured on this machine (`engine/threads.json`), so a model is measured
 * once per size class and backend, not at every load. The key names the CPU too: a data folder
 * copied to another machine measures again.
 */
export class ThreadChoices {
  readonly #file: JsonStateFile<z.infer<typeof ChoicesFile>>;
  #choices: z.infer<typeof ChoicesFile> | undefined;

  constructor(dataDir: string, onDamaged?: OnDamaged) {
    this.#file = new JsonStateFile(path.join(dataDir, "engine", "threads.json"), ChoicesFile, { indent: 2, onDamaged });
  }

  /** Reads the kept choices now (at start), so a damaged file is reported when the app opens. */
  async load(): Promise<void> {
    await this.#all();
  }

  /** The key a model file's choice is kept under. */
  async keyFor(modelPath: string, backend: BackendChoice): Promise<string> {
    const size = (await stat(modelPath)).size;
    // Speed per thread count depends on how much is read per token: models within a factor of √2 share a choice.
    const sizeClass = Math.round(2 * Math.log2(Math.max(1, size / 2 ** 20)));
    return `${os.cpus()[0]?.model ?? "cpu"}|${os.availableParallelism()}|${backend}|${sizeClass}`;
  }

  /** The kept choice; one kept before prompts were measured apart counts as none, so it is measured again. */
  async get(key: string): Promise<{ threads: number; batchThreads: number; flashAttention?: boolean } | undefined> {
    const choice = (await this.#all())[key];
    if (choice?.batchThreads === undefined) return undefined;
    return { threads: choice.threads, batchThreads: choice.batchThreads, flashAttention: choice.flashAttention?.flashAttention };
  }

  async remember(key: string, measurement: ThreadsMeasurement): Promise<void> {
    const choices = {
      ...(await this.#all()),
      [key]: {
        threads: measurement.threads,
        batchThreads: measurement.batchThreads ?? measurement.threads,
        measuredAt: new Date().toISOString(),
        candidates: measurement.candidates,
        batchCandidates: measurement.batchCandidates,
        flashAttention: measurement.flashAttention,
      },
    };
    this.#choices = choices;
    await this.#file.write(choices);
  }

  async #all(): Promise<z.infer<typeof ChoicesFile>> {
    this.#choices ??= (await this.#file.read()).value ?? {};
    return this.#choices;
  }
}
