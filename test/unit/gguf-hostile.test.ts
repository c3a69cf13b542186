// Crafted GGUF headers: millions of array items spread over several arrays, huge item counts, and
// the same answers whether the header is read here or on the reader's worker thread.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readGgufHeaderOffThread } from "../../electron/core/gguf/read-off-thread.js";
import { GGUF_LIMITS, readGgufHeader } from "../../electron/core/gguf/reader.js";
import { validateGgufFile } from "../../electron/core/gguf/validate.js";

const U8 = 0;
const STRING = 8;
const ARRAY = 9;
let tried = 0;

/** A header with no tensors and these u8/string arrays, written byte by byte as an attacker would. */
function headerWithArrays(arrays: Array<{ key: string; itemType: typeof U8 | typeof STRING; count: number }>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => parts.push(Buffer.from(new Uint32Array([n]).buffer));
  const u64 = (n: number) => parts.push(Buffer.from(new BigUint64Array([BigInt(n)]).buffer));
  const str = (s: string) => (u64(Buffer.byteLength(s)), parts.push(Buffer.from(s)));
  parts.push(Buffer.from("GGUF"));
  u32(3);
  u64(0); // tensors
  u64(arrays.length);
  for (const { key, itemType, count } of arrays) {
    str(key);
    u32(ARRAY);
    u32(itemType);
    u64(count);
    // u8 items are one byte each; string items are empty strings (8 bytes of length each).
    parts.push(Buffer.alloc(itemType === U8 ? count : count * 8));
  }
  return Buffer.concat(parts);
}

async function fileOf(name: string, bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "gguf-hostile-"));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe("crafted GGUF headers", () => {
  it("refuses tens of millions of array items in one array", async () => {
    tried++;
    const file = await fileOf("one.gguf", headerWithArrays([{ key: "tokenizer.ggml.token_type", itemType: U8, count: 20_000_000 }]));
    await expect(readGgufHeaderOffThread(file)).rejects.toMatchObject({ problem: "corrupt-header" });
  });

  it("caps array items across the whole header, not per array", async () => {
    tried++;
    const each = Math.ceil(GGUF_LIMITS.totalArrayItems / 3) + 1;
    const arrays = ["a", "b", "c"].map((key) => ({ key, itemType: U8 as typeof U8, count: each }));
    const file = await fileOf("spread.gguf", headerWithArrays(arrays));
    await expect(readGgufHeader(file)).rejects.toThrow(/more than any real model has/);
    const verdict = await validateGgufFile(file);
    expect(verdict.ok).toBe(false);
  });

  it("still reads a real tokenizer's size (150k tokens, 150k merges)", async () => {
    tried++;
    const file = await fileOf(
      "tokenizer.gguf",
      headerWithArrays([
        { key: "tokenizer.ggml.tokens", itemType: STRING, count: 152_064 },
        { key: "tokenizer.ggml.merges", itemType: STRING, count: 151_387 },
        { key: "tokenizer.ggml.token_type", itemType: U8, count: 152_064 },
      ]),
    );
    const header = await readGgufHeaderOffThread(file);
    expect((header.metadata.get("tokenizer.ggml.tokens")!.value as string[]).length).toBe(152_064);
  });

  it("gives the same header and the same errors on the worker thread as here", async () => {
    const good = await fileOf("good.gguf", headerWithArrays([{ key: "k", itemType: U8, count: 10 }]));
    tried++;
    expect(await readGgufHeaderOffThread(good)).toEqual(await readGgufHeader(good));
    for (const bytes of [
      Buffer.from("<!doctype html><html>"),
      Buffer.from("GGUF\u0009\u0000\u0000\u0000"),
      headerWithArrays([{ key: "k", itemType: U8, count: 10 }]).subarray(0, 40),
    ]) {
      tried++;
      const file = await fileOf("bad.gguf", bytes);
      const here = await readGgufHeader(file).catch((e: Error & { problem?: string }) => ({ problem: e.problem, message: e.message }));
      const there = await readGgufHeaderOffThread(file).catch((e: Error & { problem?: string }) => ({ problem: e.problem, message: e.message }));
      expect(there).toEqual(here);
    }
    console.log(`crafted GGUF headers tried: ${tried}`);
  });
});
