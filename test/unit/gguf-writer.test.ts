import { mkdtemp, open, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gguf } from "../support/gguf/header-writer.js";
import type { GgufMetadata } from "../support/gguf/header-writer.js";
import { float32ToFloat16Bits } from "../support/gguf/quant-encoders.js";
import { ggufFileSize, writeGgufFile, writeGgufHeaderOnlyFile } from "../support/gguf/tensor-writer.js";
import type { GgufTensor } from "../support/gguf/tensor-writer.js";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "gguf-writer-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

async function readBytes(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i + 1));

describe("float32ToFloat16Bits", () => {
  it("encodes exact values, rounds to nearest even, and handles the edges", () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0)).toBe(0);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(1); // smallest subnormal
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: rounds to even
    expect(Number.isNaN(halfToFloat(float32ToFloat16Bits(NaN)))).toBe(true);
    for (const value of values) expect(halfToFloat(float32ToFloat16Bits(value))).toBeCloseTo(value, 1);
  });
});

describe("writeGgufFile", () => {
  it("round-trips metadata of every value type through node-llama-cpp's reader", async () => {
    const file = path.join(directory, "metadata.gguf");
    await writeGgufFile(file, {
      metadata: {
        "general.architecture": gguf.string("llama"),
        "test.u8": gguf.u8(200),
        "test.i8": gguf.i8(-100),
        "test.u16": gguf.u16(60000),
        "test.i16": gguf.i16(-30000),
        "test.u32": gguf.u32(4000000000),
        "test.i32": gguf.i32(-2000000000),
        "test.u64": gguf.u64(2n ** 60n),
        "test.i64": gguf.i64(-(2n ** 60n)),
        "test.f32": gguf.f32(1.5),
        "test.f64": gguf.f64(Math.PI),
        "test.bool": gguf.bool(true),
        "test.string": gguf.string("DeepSeek-R1 <｜Assistant｜> ✓"),
        "test.strings": gguf.array("string", ["a", "", "ñ"]),
        "test.i32s": gguf.array("i32", [1, -2, 3]),
        "test.f32s": gguf.array("f32", [0.5, -0.25]),
        "test.bools": gguf.array("bool", [true, false]),
        "test.empty": gguf.array("string", []),
      },
      tensors: [],
    });
    const info = await readGgufFileInfo(file, { logWarnings: false });
    expect(info.version).toBe(3);
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
    expect(test).toEqual({
      u8: 200,
      i8: -100,
      u16: 60000,
      i16: -30000,
      u32: 4000000000,
      i32: -2000000000,
      u64: 2n ** 60n,
      i64: -(2n ** 60n),
      f32: 1.5,
      f64: Math.PI,
      bool: true,
      string: "DeepSeek-R1 <｜Assistant｜> ✓",
      strings: ["a", "", "ñ"],
      i32s: [1, -2, 3],
      f32s: [0.5, -0.25],
      bools: [true, false],
      empty: [],
    });
  });

  it("refuses values that do not fit their declared type", async () => {
    const file = path.join(directory, "wrong.gguf");
    await expect(writeGgufFile(file, { metadata: { "test.x": gguf.u32(1.5) }, tensors: [] })).rejects.toThrow(/not a valid u32/);
    await expect(writeGgufFile(file, { metadata: { "test.x": gguf.array("string", [1]) }, tensors: [] })).rejects.toThrow(/not a valid string/);
    // Nothing half-written is left behind.
    expect((await readdir(directory)).filter((name) => name.startsWith("wrong"))).toEqual([]);
  });

  for (const alignment of [32, 64]) {
    it(`writes F32, F16 and Q8_0 tensors on the ${alignment}-byte grid, with their values`, async () => {
      const file = path.join(directory, `tensors-${alignment}.gguf`);
      const tensors: GgufTensor[] = [
        { name: "a.f32", dims: [3], type: "F32", data: Float32Array.of(1, -2, 3.25) }, // 12 bytes: forces padding
        { name: "b.f16", dims: [32, 2], type: "F16", data: values },
        // Streamed in two chunks, as large tensors are.
        { name: "c.q8_0", dims: [32, 2], type: "Q8_0", data: () => [values.subarray(0, 32), values.subarray(32)] },
      ];
      const metadata: GgufMetadata = alignment === 32 ? {} : { "general.alignment": gguf.u32(alignment) };
      await writeGgufFile(file, { metadata, tensors });

      const info = await readGgufFileInfo(file, { logWarnings: false });
      const byName = new Map(info.tensorInfo!.map((tensor) => [tensor.name, tensor]));
      expect([...byName.keys()]).toEqual(["a.f32", "b.f16", "c.q8_0"]);
      expect(byName.get("b.f16")!.dimensions.map(Number)).toEqual([32, 2]);
      expect(byName.get("c.q8_0")!.ggmlType).toBe(8);
      for (const tensor of byName.values()) expect(Number(tensor.fileOffset) % alignment).toBe(0);
      expect((await stat(file)).size).toBe(ggufFileSize(metadata, tensors));

      const f32 = await readBytes(file, Number(byName.get("a.f32")!.fileOffset), 12);
      expect([f32.readFloatLE(0), f32.readFloatLE(4), f32.readFloatLE(8)]).toEqual([1, -2, 3.25]);
      const f16 = await readBytes(file, Number(byName.get("b.f16")!.fileOffset), 128);
      values.forEach((value, i) => expect(halfToFloat(f16.readUInt16LE(i * 2))).toBeCloseTo(value, 1));
      const q8 = await readBytes(file, Number(byName.get("c.q8_0")!.fileOffset), 68);
      values.forEach((value, i) => {
        const block = Math.floor(i / 32);
        const scale = halfToFloat(q8.readUInt16LE(block * 34));
        const maxInBlock = Math.max(...values.subarray(block * 32, block * 32 + 32).map(Math.abs));
        expect(Math.abs(q8.readInt8(block * 34 + 2 + (i % 32)) * scale - value)).toBeLessThanOrEqual(maxInBlock / 127);
      });
    });
  }

  it("refuses data that does not match the tensor's shape", async () => {
    const file = path.join(directory, "short.gguf");
    await expect(writeGgufFile(file, { metadata: {}, tensors: [{ name: "x", dims: [4, 4], type: "F32", data: new Float32Array(8) }] })).rejects.toThrow(
      /got 32 bytes of data, its shape needs 64/,
    );
    await expect(writeGgufFile(file, { metadata: {}, tensors: [{ name: "x", dims: [16], type: "Q8_0", data: new Float32Array(16) }] })).rejects.toThrow(
      /multiple of 32/,
    );
  });
});

describe("writeGgufHeaderOnlyFile", () => {
  it("writes tensor infos without data, padded so the data section would start at the end of the file", async () => {
    const file = path.join(directory, "header-only.gguf");
    await writeGgufHeaderOnlyFile(file, {
      metadata: { "general.architecture": gguf.string("qwen2"), "qwen2.block_count": gguf.u32(1) },
      tensors: [
        { name: "token_embd.weight", dims: [4096, 152064], type: "Q4_K" },
        { name: "output_norm.weight", dims: [4096], type: "F32" },
      ],
    });
    const info = await readGgufFileInfo(file, { logWarnings: false });
    const { size } = await stat(file);
    expect(size % 32).toBe(0);
    expect(info.infoEndOffset).toBe(size);
    expect(info.tensorInfo!.map((tensor) => [tensor.name, tensor.ggmlType, Number(tensor.offset)])).toEqual([
      ["token_embd.weight", 12, 0],
      ["output_norm.weight", 0, ((4096 * 152064) / 256) * 144],
    ]);
  });
});
