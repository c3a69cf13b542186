import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exitWithUsageError, readCommandLine } from "../kernel/command-line.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

const commandLine = {
  command: "npm run serve --",
  usage: `Usage: npm run serve -- [options]

Runs R1 Local's core and interface without Electron: open the address it prints in a browser.
By default it listens on 127.0.0.1 only; the address carries this launch's token.

Options:
  --port <n>          port to listen on (default 41741, or a free one when that is taken;
                      0 picks a free one; another taken port is an error)
  --data-dir <dir>    data folder (default: $XDG_DATA_HOME/r1-local, i.e. ~/.local/share/r1-local)
  --host <addr>       address to bind (default 127.0.0.1); another one also needs --allow-remote
  --allow-remote      allow --host to be reachable from other machines (prints a warning)
  --build             build the interface first if its sources changed since the last build
                      (\`npm run serve\` passes this; the build is reused otherwise)
  --rebuild           build the interface first even if the last build is up to date
  -h, --help          show this help`,
  config: {
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "data-dir": { type: "string" },
      "allow-remote": { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      rebuild: { type: "boolean", default: false },
    },
  },
} as const;

/** `npm run serve -- --port N --data-dir DIR`: the app core and the built renderer, without Electron. */
async function main(): Promise<void> {
  const { values } = readCommandLine(commandLine);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    exitWithUsageError(commandLine, `--port must be a number from 0 to 65535, got "${values.port}"`);
  }
  if (values.build || values.rebuild) buildRenderer(values.rebuild);
  // Loaded once the command line is good: --help and a mistyped option answer without loading the core.
  const [{ AppCore }, { defaultDataDir }, { startServeServer }] = await Promise.all([
    import("./app-core.js"),
    import("./data-dir.js"),
    import("../transport/ws-server.js"),
  ]);
  const dataDir = path.resolve(values["data-dir"] ?? defaultDataDir());
  const core = await AppCore.create({ dataDir, mode: "serve" });
  const staticDir = path.join(root, "out/renderer");
  const server = await startServeServer({ core, staticDir, host: values.host, port, allowRemote: values["allow-remote"] });
  if (values["allow-remote"] && !["127.0.0.1", "::1", "localhost"].includes(server.host)) {
    console.warn(`WARNING: R1 Local is reachable from your network on ${server.host}:${server.port}. Anyone with the token can use your models.`);
  }
  console.log(`R1 Local is running. Data: ${dataDir}`);
  console.log("Open this address (it carries this launch's token):");
  console.log(server.url);
  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** The renderer's build script (build/, outside the core): it reuses an up-to-date build unless `always`. */
function buildRenderer(always: boolean): void {
  const script = path.join(root, "build/scripts/build-renderer.ts");
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...(always ? [] : ["--if-stale"])], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("The interface could not be built (see above); serve mode did not start.");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
