import { parseArgs } from "node:util";
import { startHub } from "./server.js";

// `npm run mirror -- --dir <folder> --port <n> [--gated owner/repo=token] [--cdn]`
// Serves a folder laid out as <owner>/<repo>/<path> like the Hugging Face hub, for offline demos:
// point the app at it with HF_ENDPOINT. Faults: POST JSON rules to /__hub/faults (see faults.ts),
// or send one per request in an `x-hub-fault` header.
const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    port: { type: "string", default: "8787" },
    gated: { type: "string", multiple: true },
    cdn: { type: "boolean", default: false },
  },
});

if (!values.dir) {
  console.error("Usage: npm run mirror -- --dir <folder> [--port <n>] [--gated owner/repo=token] [--cdn]");
  process.exit(2);
}

const gated: Record<string, string> = {};
for (const entry of values.gated ?? []) {
  const [repo, token] = entry.split("=");
  if (!repo || !token) {
    console.error(`--gated takes owner/repo=token, got ${JSON.stringify(entry)}`);
    process.exit(2);
  }
  gated[repo] = token;
}

const hub = await startHub({ dir: values.dir, port: Number(values.port), gated, cdnRedirect: values.cdn });
console.log(`Local hub serving ${hub.dir} at ${hub.url}`);
console.log(`Use it with: HF_ENDPOINT=${hub.url}`);
console.log(`Faults: curl -X POST ${hub.url}/__hub/faults -d '{"fault":{"kind":"drop","afterBytes":1000000}}'`);

const stop = () => void hub.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
