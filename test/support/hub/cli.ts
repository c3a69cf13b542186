import { statSync } from "node:fs";
import { exitWithUsageError, readCommandLine } from "../../../electron/core/kernel/command-line.js";
import { startHub } from "./server.js";

// `npm run mirror -- --dir <folder> --port <n> [--gated owner/repo=token] [--cdn]`
// Serves a folder laid out as <owner>/<repo>/<path> like the Hugging Face hub, for offline demos:
// point the app at it with HF_ENDPOINT. Faults: POST JSON rules to /__hub/faults (see faults.ts),
// or send one per request in an `x-hub-fault` header.
const commandLine = {
  command: "npm run mirror --",
  usage: `Usage: npm run mirror -- --dir <folder> [--port <n>] [--gated owner/repo=token]... [--cdn]

Serves a folder laid out as <owner>/<repo>/<file> like the Hugging Face hub, on 127.0.0.1, for
offline demos: start the app with HF_ENDPOINT set to the address it prints.

Options:
  --dir <folder>              the folder to serve (required)
  --port <n>                  port to listen on (default 8787; 0 picks a free one)
  --gated <owner/repo=token>  serve that repo only to requests carrying this token (repeatable;
                              a repo folder with a .gated file holding a token is gated too)
  --cdn                       answer large-file downloads with a redirect to /cdn/…, as the hub
                              redirects to its CDN
  -h, --help                  show this help

Faults for testing: POST JSON rules to <address>/__hub/faults, or send one per request in an
x-hub-fault header (test/support/hub/faults.ts).`,
  config: {
    options: {
      dir: { type: "string" },
      port: { type: "string", default: "8787" },
      gated: { type: "string", multiple: true },
      cdn: { type: "boolean", default: false },
    },
  },
} as const;
const { values } = readCommandLine(commandLine);

if (!values.dir) exitWithUsageError(commandLine, "--dir <folder> is required");
if (!statSync(values.dir, { throwIfNoEntry: false })?.isDirectory()) exitWithUsageError(commandLine, `--dir: no folder at ${values.dir}`);
const port = Number(values.port);
if (!(Number.isInteger(port) && port >= 0 && port < 65536)) exitWithUsageError(commandLine, `--port must be a number from 0 to 65535, got "${values.port}"`);

const gated: Record<string, string> = {};
for (const entry of values.gated ?? []) {
  const [repo, token] = entry.split("=");
  if (!repo || !token) {
    exitWithUsageError(commandLine, `--gated takes owner/repo=token, got ${JSON.stringify(entry)}`);
  }
  gated[repo] = token;
}

const hub = await startHub({ dir: values.dir, port, gated, cdnRedirect: values.cdn });
console.log(`Local hub serving ${hub.dir} at ${hub.url}`);
console.log(`Use it with: HF_ENDPOINT=${hub.url}`);
console.log(`Faults: curl -X POST ${hub.url}/__hub/faults -d '{"fault":{"kind":"drop","afterBytes":1000000}}'`);

const stop = () => void hub.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
