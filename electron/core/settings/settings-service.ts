import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Settings, SettingsPatch } from "../../shared/contract/settings.js";
import { datedBackupName, removeStaleTempFiles } from "../kernel/atomic-file.js";
import { describeIssues } from "../kernel/zod-issues.js";
import { AppError } from "../kernel/errors.js";
import { originOf } from "../kernel/loopback.js";
import { JsonStateFile } from "../kernel/state-file.js";
import { bindHubToken, migrateHubTokenOrigin } from "./hub-token-binding.js";

export const SETTINGS_VERSION = 1;

/**
 * One step from an older settings layout to the next: `migrations[n]` turns a version-n object into
 * a version-(n+1) one. Fields it does not know are left for the field-by-field repair.
 */
export type SettingsMigration = (raw: Record<string, unknown>) => Record<string, unknown>;
export const SETTINGS_MIGRATIONS: Record<number, SettingsMigration> = {};

export interface SettingsService {
  /** The effective settings: what the user set over the defaults. */
  get(): Settings;
  /** Validates and applies a partial change, writes it durably, then tells listeners. */
  update(patch: SettingsPatch): Promise<Settings>;
  /** Called after every successful update; returns an unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void;
}

/** Where models go unless the person chose another folder: the one place this is decided. */
export function defaultModelsDir(dataDir: string): string {
  return path.join(dataDir, "models");
}

/** Defaults that depend on where the app runs: the data dir and HF_ENDPOINT / HF_TOKEN. */
export function defaultSettings(dataDir: string, env: Record<string, string | undefined>): Settings {
  const envEndpoint = env.HF_ENDPOINT?.trim();
  const endpoint = envEndpoint && Settings.shape.hub.shape.endpoint.safeParse(envEndpoint).success ? envEndpoint.replace(/\/+$/, "") : "https://huggingface.co";
  const token = env.HF_TOKEN?.trim() || null;
  return {
    version: SETTINGS_VERSION,
    modelsDir: defaultModelsDir(dataDir),
    // HF_TOKEN is given for HF_ENDPOINT (or huggingface.co): bound to that origin.
    hub: { endpoint, token, tokenOrigin: token ? originOf(endpoint) : null },
    gpuBackend: "auto",
    threads: "auto",
    contextSize: "auto",
    kvCacheType: "auto",
    speculativeDecoding: true,
    parallelRequests: "auto",
    sampling: { temperature: 0.6, topP: 0.95, seed: null, maxTokens: 32_768 },
    thinkingBudget: "off",
    theme: "system",
    apiServer: { enabled: false, port: 8765 },
    downloads: { concurrency: 2 },
    updates: { checkOnStart: false },
    extraCatalogPath: null,
  };
}

type Overrides = Record<string, unknown>;

/**
 * settings.json holds only what the user chose; everything else follows the defaults, so a default
 * that changes (a new HF_ENDPOINT, a moved data dir) is picked up. The file is read once, repaired
 * field by field (never a crash), and replaced atomically on every change.
 */
export class SettingsStore implements SettingsService {
  private overrides: Overrides = {};
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();
  readonly notices: string[] = [];
  readonly file: string;
  readonly #stateFile: JsonStateFile<Overrides>;

  constructor(
    dataDir: string,
    readonly defaults: Settings,
    private readonly migrations: Record<number, SettingsMigration> = SETTINGS_MIGRATIONS,
  ) {
    this.file = path.join(dataDir, "settings.json");
    this.#stateFile = new JsonStateFile(this.file, z.record(z.string(), z.unknown()), { indent: 2 });
    this.current = defaults;
  }

  /** Reads settings.json, repairing what it must; repairs are kept in `notices` and written back. */
  load(): void {
    removeStaleTempFiles(this.file);
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      // Unreadable (permissions, a folder in its place): run on defaults, say so, leave the file be.
      this.notices.push(
        `settings.json could not be opened (${(err as NodeJS.ErrnoException).code ?? String(err)}); the defaults are in use and changes cannot be saved until it is fixed.`,
      );
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    if (!isPlainObject(raw)) {
      const backup = this.backUp();
      this.notices.push(`settings.json could not be read (not a JSON object); it was saved as ${path.basename(backup)} and the defaults are in use.`);
      this.overrides = {};
      this.persist();
      this.current = this.defaults;
      return;
    }
    const { value: repaired, notices } = repairSettings(raw, this.migrations);
    const value = migrateHubTokenOrigin(repaired, applyOverrides(this.defaults, repaired));
    this.overrides = value;
    this.current = applyOverrides(this.defaults, value);
    if (value !== repaired && !notices.length) this.persist();
    if (notices.length) {
      const backup = this.backUp();
      this.notices.push(...notices, `The original file was saved as ${path.basename(backup)}.`);
      this.persist();
    }
  }

  get(): Settings {
    return this.current;
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) throw new AppError("bad-request", `Invalid settings: ${describeIssues(parsed.error)}`);
    const overrides = mergeDeep(this.overrides, bindHubToken(parsed.data, this.current));
    const next = Settings.safeParse(applyOverrides(this.defaults, overrides));
    if (!next.success) throw new AppError("bad-request", `Invalid settings: ${describeIssues(next.error)}`);
    this.overrides = overrides;
    this.current = next.data;
    this.persist();
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private persist(): void {
    this.#stateFile.writeSync({ ...this.overrides, version: SETTINGS_VERSION });
  }

  private backUp(): string {
    const backup = datedBackupName(this.file, "damaged");
    fs.copyFileSync(this.file, backup);
    return backup;
  }
}

/**
 * Brings a parsed settings.json to the current version and keeps only fields that are known and
 * valid; every dropped field gets a sentence saying what happened.
 */
export function repairSettings(
  raw: Record<string, unknown>,
  migrations: Record<number, SettingsMigration> = SETTINGS_MIGRATIONS,
): { value: Overrides; notices: string[] } {
  const notices: string[] = [];
  let version = typeof raw.version === "number" && Number.isInteger(raw.version) ? raw.version : 1;
  let data: Record<string, unknown> = { ...raw };
  if (version > SETTINGS_VERSION) {
    notices.push(`settings.json was written by a newer version of R1 Local (format ${version}); settings this version does not know were left out.`);
  }
  while (version < SETTINGS_VERSION) {
    const migrate = migrations[version];
    if (!migrate) {
      notices.push(`settings.json has an old format (${version}) that cannot be converted; settings that no longer fit were reset.`);
      break;
    }
    data = migrate(data);
    version++;
  }
  delete data.version;
  const value = repairObject(Settings.omit({ version: true }), data, "", notices);
  return { value, notices };
}

function repairObject(schema: z.ZodObject, data: Record<string, unknown>, prefix: string, notices: string[]): Overrides {
  const out: Overrides = {};
  const shape = schema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(data)) {
    const name = `${prefix}${key}`;
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field) {
      notices.push(`Unknown setting "${name}" was removed.`);
      continue;
    }
    if (field instanceof z.ZodObject) {
      if (!isPlainObject(value)) {
        notices.push(`Setting "${name}" was not a group of settings; its defaults are in use.`);
        continue;
      }
      const inner = repairObject(field, value, `${name}.`, notices);
      if (Object.keys(inner).length) out[key] = inner;
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else
      notices.push(`Setting "${name}" had an invalid value (${describeValue(value)}: ${parsed.error.issues[0]?.message ?? "invalid"}); the default is in use.`);
  }
  return out;
}

function applyOverrides(defaults: Settings, overrides: Overrides): Settings {
  return mergeDeep(defaults as unknown as Overrides, overrides) as unknown as Settings;
}

function mergeDeep(base: Overrides, patch: Overrides): Overrides {
  const out: Overrides = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const prior = out[key];
    out[key] = isPlainObject(value) && isPlainObject(prior) ? mergeDeep(prior, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
