import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AppCore } from "./app-core.js";
import { defaultDataDir } from "./data-dir.js";
import { startServeServer } from "../transport/ws-server.js";

/** `npm run serve -- --port N --data-dir DIR`: the app core and the built renderer, without Electron. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "data-dir": { type: "string" },
      "allow-remote": { type: "boolean", default: false },
    },
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error(`--port must be a number from 0 to 65535, got "${values.port}".`);
  }
  const dataDir = path.resolve(values["data-dir"] ?? defaultDataDir());
  const core = await AppCore.create({ dataDir, mode: "serve" });
  const staticDir = fileURLToPath(new URL("../../../out/renderer", import.meta.url));
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
