// `npm start` runs this first: the Electron runtime is there (fetched if need be), or the person is
// told why not and pointed to serve mode, and the start stops before building anything.
import { readCommandLine } from "../../electron/core/kernel/command-line.js";
import { ensureElectron } from "./electron-runtime.js";

readCommandLine({
  command: "node --import tsx build/scripts/ensure-electron.ts",
  usage: `Usage: node --import tsx build/scripts/ensure-electron.ts

Makes sure the Electron runtime is installed (\`npm start\` runs this first): fetches it if it is
missing, and if that fails explains why and points to serve mode (\`npm run serve\`). Exits 1 then.`,
  config: {},
});
process.exit(ensureElectron() ? 0 : 1);
