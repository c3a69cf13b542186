// The generated models in the real llama.cpp runtime (node-llama-cpp, CPU prebuilt binary).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeepSeekChatWrapper, getLlama, GgufInsights, LlamaChatSession, LlamaLogLevel, readGgufFileInfo, resolveChatWrapper } from "node-llama-cpp";
import type { Llama, LlamaModel, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeGgufHeaderOnlyFile } from "../support/gguf/tensor-writer.js";
import { buildBenchModel } from "../fixtures/bench-model.js";
import {
  BAD_FIXTURES,
  ensureFixture,
  FIXTURE_SCRIPTS,
  REPO_ROOT,
  GOOD_FIXTURES,
  LONG_SCRIPT_ANSWER,
  LONG_SCRIPT_THOUGHT,
  SCRIPT_ANSWER,
  SCRIPT_ANSWER_SEGMENT,
  SCRIPT_RAW_TEXT,
  SCRIPT_THOUGHT,
  SCRIPT_THOUGHT_SEGMENT,
  scriptedFixtureTokens,
} from "../fixtures/models.js";
import { writeSplitScriptedModel } from "../fixtures/split.js";

let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
});
afterAll(async () => {
  await llama?.dispose();
});

// One thread: the test machines share two cores among several processes, where llama.cpp's
// second thread mostly waits on a busy core.
const threads = () => 1;

/** The thought and answer node-llama-cpp reports for one prompt (the script keeps R1's newlines). */
async function chat(model: LlamaModel, prompt: string, options: { contextSize?: number; temperature?: number } = {}) {
  const context = await model.createContext({ contextSize: options.contextSize ?? 2048, threads: threads() });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: "" });
    let thought = "";
    const answer = await session.prompt(prompt, {
      temperature: options.temperature ?? 0,
      onResponseChunk(chunk) {
        if (chunk.type === "segment" && chunk.segmentType === "thought") thought += chunk.text;
      },
    });
    return { thought, answer, wrapper: session.chatWrapper };
  } finally {
    await context.dispose();
  }
}

describe("every good generated model loads in llama.cpp", () => {
  for (const name of GOOD_FIXTURES) {
    it(`loads ${name} and evaluates a few tokens`, async () => {
      const file = await ensureFixture(name);
      const started = performance.now();
      const model = await llama.loadModel({ modelPath: file });
      const loadMs = performance.now() - started;
      try {
        const context = await model.createContext({ contextSize: 512, threads: threads() });
        const sequence = context.getSequence();
        const tokens = model.tokenize("Hello, world");
        const iterator = sequence.evaluate(tokens, { temperature: 0 });
        const first = await iterator.next();
        await iterator.return();
        expect(typeof first.value).toBe("number");
        await context.dispose();
        console.info(`${name}: loaded in ${loadMs.toFixed(0)} ms`);
      } finally {
        await model.dispose();
      }
    });
  }
});

describe("scripted models emit the script as thought and answer", () => {
  const prompts = ["What is 6 times 7?", "Hello", "Write a haiku about the sea.\nMake it sad.", "日本語で答えて"];
  const flavours = ["scripted-r1", "scripted-r1-llama", "scripted-r1-old-template"] as const;

  for (const name of flavours) {
    it(`${name} resolves to the DeepSeek chat wrapper and follows the script for any prompt`, async () => {
      const model = await llama.loadModel({ modelPath: await ensureFixture(name) });
      try {
        expect(resolveChatWrapper(model)).toBeInstanceOf(DeepSeekChatWrapper);
        for (const prompt of prompts) {
          const { thought, answer, wrapper } = await chat(model, prompt);
          expect(wrapper).toBeInstanceOf(DeepSeekChatWrapper);
          expect(thought).toBe(SCRIPT_THOUGHT_SEGMENT);
          expect(answer).toBe(SCRIPT_ANSWER_SEGMENT);
          expect(thought.trim()).toBe(SCRIPT_THOUGHT);
          expect(answer.trim()).toBe(SCRIPT_ANSWER);
        }
        // The margin makes sampling at temperature 1 as certain as greedy decoding.
        const sampled = await chat(model, "Surprise me", { temperature: 1 });
        expect([sampled.thought, sampled.answer]).toEqual([`\n${SCRIPT_THOUGHT}\n`, `\n\n${SCRIPT_ANSWER}`]);
      } finally {
        await model.dispose();
      }
    });
  }

  it("continues the thought when the response is prefixed with <think>\\n (as forcing the newer template does)", async () => {
    for (const name of ["scripted-r1", "scripted-r1-old-template"] as const) {
      const model = await llama.loadModel({ modelPath: await ensureFixture(name) });
      try {
        const context = await model.createContext({ contextSize: 512, threads: threads() });
        const prompt = model.tokenize("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜><think>\n", true);
        const generated: Token[] = [];
        // evaluate() ends by itself at end-of-sentence, without yielding it.
        for await (const token of context.getSequence().evaluate(prompt, { temperature: 0 })) {
          generated.push(token);
          if (generated.length > 500) break;
        }
        // The script minus `<think>` and "\n", which the prompt already holds, and end-of-sentence.
        expect(generated).toEqual(scriptedFixtureTokens(name).slice(2, -1));
        expect(model.detokenize(generated, true)).toBe(SCRIPT_RAW_TEXT.slice("<think>\n".length, -"<｜end▁of▁sentence｜>".length));
        await context.dispose();
      } finally {
        await model.dispose();
      }
    }
  });

  it("scripted-r1-long streams thousands of reasoning tokens", async () => {
    const model = await llama.loadModel({ modelPath: await ensureFixture("scripted-r1-long") });
    try {
      const { thought, answer } = await chat(model, "Think for a long time.", { contextSize: 8192 });
      expect(thought).toBe(`\n${LONG_SCRIPT_THOUGHT}\n`);
      expect(answer).toBe(`\n\n${LONG_SCRIPT_ANSWER}`);
      expect(scriptedFixtureTokens("scripted-r1-long").length).toBeGreaterThan(3000);
      expect(FIXTURE_SCRIPTS["scripted-r1-long"].thought).toBe(LONG_SCRIPT_THOUGHT);
    } finally {
      await model.dispose();
    }
  });
});

describe("other shapes of the same files", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "fixtures-model-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("a split scripted model loads from its first part and follows the script", async () => {
    const parts = await writeSplitScriptedModel(directory, "scripted", 3);
    const model = await llama.loadModel({ modelPath: parts[0]! });
    try {
      const { thought, answer } = await chat(model, "Hello");
      expect([thought, answer]).toEqual([`\n${SCRIPT_THOUGHT}\n`, `\n\n${SCRIPT_ANSWER}`]);
    } finally {
      await model.dispose();
    }
  });

  it("a metadata-only file gives the same memory estimate as the full model", async () => {
    const bench = buildBenchModel("bench-q8_0", "Q8_0");
    const headerOnly = path.join(directory, "bench-header-only.gguf");
    await writeGgufHeaderOnlyFile(headerOnly, {
      metadata: bench.metadata,
      tensors: bench.tensors.map(({ name, dims, type }) => ({ name, dims, type })),
    });
    const estimate = async (file: string) => {
      const insights = await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama);
      return {
        model: await insights.estimateModelResourceRequirementsV2({ gpuLayers: 0 }),
        context: insights.estimateContextResourceRequirements({ contextSize: 4096, modelGpuLayers: 0 }),
      };
    };
    const full = await estimate(await ensureFixture("bench-q8_0"));
    expect(full.model.cpuRam).toBeGreaterThan(120 * 1024 * 1024);
    expect(await estimate(headerOnly)).toEqual(full);
  });
});

describe("the bad fixtures are really bad", () => {
  // Loads a file in a separate process, since some of them abort whatever process loads them.
  function loadInChildProcess(file: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, "test/fixtures/try-load-model.mjs"), file], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, output }));
    });
  }

  const aborting = new Set(["bad-missing-ffn-length", "bad-missing-head-count", "bad-duplicate-tokens"]);
  it("llama.cpp refuses each one, and three of them abort the process that loads them", async () => {
    for (const name of BAD_FIXTURES) {
      const { code, signal, output } = await loadInChildProcess(await ensureFixture(name));
      expect(output, name).not.toContain("LOADED");
      // Node reports an abort as signal SIGABRT (or exit code 134 through a shell).
      if (aborting.has(name)) expect([signal, code], name).toSatisfy(([s, c]) => s === "SIGABRT" || c === 134);
      else expect(code, name).toBe(1);
    }
  });
});
