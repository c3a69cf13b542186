import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * A small hub folder for tests: plain, split and gated repositories holding files of pseudo-random
 * bytes (they only travel; nothing loads them). Real GGUF fixtures can be copied in beside them.
 */
export const SAMPLE = {
  plain: { repo: "acme/Tiny-R1-GGUF", file: "Tiny-R1-Q4_K_M.gguf", readme: "README.md" },
  split: {
    repo: "acme/Split-R1-GGUF",
    files: ["Split-R1-Q8_0-00001-of-00003.gguf", "Split-R1-Q8_0-00002-of-00003.gguf", "Split-R1-Q8_0-00003-of-00003.gguf"],
  },
  gated: { repo: "acme/Gated-R1-GGUF", file: "Gated-R1-Q4_K_M.gguf", token: "hf_test_token_0123456789" },
} as const;

export interface SampleHubDir {
  dir: string;
  sizes: Record<string, number>;
}

/** Writes the sample repositories under `dir`; `mib` sets the main file's size. */
export async function writeSampleRepos(dir: string, mib = 8): Promise<SampleHubDir> {
  const sizes: Record<string, number> = {};
  const put = async (repo: string, file: string, data: Buffer | string) => {
    const path = join(dir, repo, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    sizes[`${repo}/${file}`] = Buffer.byteLength(data);
  };
  await put(SAMPLE.plain.repo, SAMPLE.plain.file, pseudoRandomBytes(mib * 1024 * 1024 + 12345, "plain"));
  await put(SAMPLE.plain.repo, SAMPLE.plain.readme, "# Tiny R1\nA file kept in git, not LFS.\n");
  for (const [i, file] of SAMPLE.split.files.entries()) {
    await put(SAMPLE.split.repo, file, pseudoRandomBytes(1024 * 1024 + i * 4099, `split-${i}`));
  }
  await put(SAMPLE.gated.repo, SAMPLE.gated.file, pseudoRandomBytes(512 * 1024 + 7, "gated"));
  await put(SAMPLE.gated.repo, ".gated", SAMPLE.gated.token);
  return { dir, sizes };
}

/** Deterministic bytes (sha256 in counter mode): cheap, incompressible, reproducible. */
export function pseudoRandomBytes(size: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(size);
  const block = 32;
  for (let offset = 0, counter = 0; offset < size; offset += block, counter++) {
    createHash("sha256")
      .update(`${seed}:${counter}`)
      .digest()
      .copy(out, offset, 0, Math.min(block, size - offset));
  }
  return out;
}
