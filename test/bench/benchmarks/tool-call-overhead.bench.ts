// A tool-call turn through the local API (tools offered: the function documentation in the
// prompt, call detection and the arguments' grammar) against the same turn without tools, on the
// scripted tool-call model: it writes the same tokens either way (without tools the call is plain
// text). Measured as generated tokens per second of the whole request. Target: ratio ≥ 0.9.
import { createServer } from "node:net";
import type { AppCore } from "../../../electron/core/composition/app-core.js";
import { defineBenchmark } from "../harness.js";
import { ensureFixture } from "../../fixtures/models.js";
import { createTempCore } from "../../support/core/temp-core.js";
import { callOk, waitForEvent } from "../../support/core/wait-for-event.js";

interface State {
  core: AppCore;
  dispose: () => Promise<void>;
  url: string;
  key: string;
}

const TOOLS = [
  {
    type: "function",
    function: {
      name: "read_file",
      description: "Reads a text file",
      parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"], additionalProperties: false },
    },
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function turn(state: State, withTools: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${state.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${state.key}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "What does notes.txt say?" }], seed: 1, ...(withTools ? { tools: TOOLS } : {}) }),
  });
  const body = (await response.json()) as { usage?: { completion_tokens: number }; choices?: { finish_reason: string }[]; error?: { message: string } };
  const elapsed = performance.now() - started;
  if (!response.ok || !body.usage) throw new Error(`The turn failed: ${body.error?.message ?? response.status}`);
  if (withTools && body.choices?.[0]?.finish_reason !== "tool_calls") throw new Error("The tool turn made no tool call.");
  return (body.usage.completion_tokens * 1000) / elapsed;
}

export default defineBenchmark<State>({
  name: "tool-call-overhead",
  metric: "generated tokens/s of a whole API turn with tools (a tool call) vs the same turn without tools (scripted-r1-0528-tools)",
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 7,
  async setup() {
    const { core, dispose } = await createTempCore();
    const loaded = waitForEvent(core, "engine.loaded");
    const threads = Number(process.env.BENCH_THREADS ?? 1);
    await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1-0528-tools"), contextSize: 4096, threads });
    await loaded;
    await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
    const status = await callOk(core, "api.status", {});
    return { core, dispose, url: status.url!, key: status.apiKey };
  },
  app: (state) => turn(state, true),
  reference: (state) => turn(state, false),
  teardown: (state) => state.dispose(),
  extra: () => ({ model: "scripted-r1-0528-tools", target_ratio: 0.9 }),
});
