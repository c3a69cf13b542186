import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdaptiveDraftPredictor, DRAFT_LENGTH } from "../../electron/engine/adaptive-draft.js";
import { ensureFixture } from "../fixtures/models.js";

// Drafts of several tokens checked in one batch: node-llama-cpp 3.21.1 refutes every drafted token
// after the first of a batch unless patches/node-llama-cpp+3.21.1.patch is applied (npm's
// postinstall runs patch-package). Greedy, on the wide scripted target with drafts that follow the
// same script (scripted-r1) or never agree with it (scripted-r1-disagreeing).
let llama: Llama;
let target: LlamaModel;
const TOKENS = 96;

async function generate(draftFixture: "scripted-r1" | "scripted-r1-disagreeing" | null) {
  const context = await target.createContext({ contextSize: 512, threads: 1 });
  const draftModel = draftFixture ? await llama.loadModel({ modelPath: await ensureFixture(draftFixture) }) : undefined;
  const draftContext = await draftModel?.createContext({ contextSize: 512, threads: 1 });
  try {
    const predictor = draftContext ? new AdaptiveDraftPredictor(draftContext.getSequence()) : undefined;
    const sequence = context.getSequence({ tokenPredictor: predictor });
    const tokens: Token[] = [];
    let longest = 0;
    for await (const token of sequence.evaluate(target.tokenize("What is six times seven?"), { temperature: 0 })) {
      tokens.push(token);
      longest = Math.max(longest, predictor?.length ?? 0);
      if (tokens.length >= TOKENS) break;
    }
    return { text: target.detokenize(tokens), count: tokens.length, predictions: { ...sequence.tokenPredictions }, longest };
  } finally {
    await draftContext?.dispose();
    await draftModel?.dispose();
    await context.dispose();
  }
}

beforeAll(async () => {
  llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
  target = await llama.loadModel({ modelPath: await ensureFixture("scripted-r1-wide") });
});
afterAll(async () => {
  await target?.dispose();
  await llama?.dispose();
});

describe("drafts of several tokens", () => {
  it("accepts every token of an agreeing draft, the draft growing to its longest, with the target's own output", async () => {
    const plain = await generate(null);
    const drafted = await generate("scripted-r1");
    expect(drafted.text).toBe(plain.text);
    expect(drafted.predictions.refuted).toBe(0);
    expect(drafted.predictions.validated).toBeGreaterThan(drafted.count * 0.75);
    expect(drafted.longest).toBe(DRAFT_LENGTH.max);
  });

  it("shrinks a draft that is always wrong to one token a step, the output still the target's", async () => {
    const plain = await generate(null);
    const drafted = await generate("scripted-r1-disagreeing");
    expect(drafted.text).toBe(plain.text);
    expect(drafted.predictions.validated).toBe(0);
    // A fixed 16-token draft refutes about 16 tokens a step; this one stays near one.
    expect(drafted.predictions.refuted).toBeLessThan(TOKENS);
  });
});
