import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../kernel/atomic-file.js";

/** The local API's key, kept in the data dir (readable by this user only) so clients keep working across restarts. */
export class ApiKeyFile {
  constructor(private readonly dataDir: string) {}

  private get file(): string {
    return path.join(this.dataDir, "api-key");
  }

  async read(): Promise<string> {
    const existing = (await readFile(this.file, "utf8").catch(() => "")).trim();
    return /^r1-[A-Za-z0-9_-]{32,}$/.test(existing) ? existing : this.rotate();
  }

  async rotate(): Promise<string> {
    const key = `r1-${randomBytes(24).toString("base64url")}`;
    await writeFileAtomic(this.file, key, 0o600);
    return key;
  }
}
