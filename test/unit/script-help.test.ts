import { describe, expect, it } from "vitest";
import { runPackageScript } from "../support/scripts/run-script.js";

// Every script the README names that takes options or names: `npm run <name> -- --help` explains it,
// and a mistyped option is refused in one line that names it, never with a stack trace.
const SCRIPTS = ["serve", "mirror", "fixtures", "bench", "dev", "build:renderer", "build:llama-server"];

describe.concurrent("the project's scripts on the command line", () => {
  it.each(SCRIPTS)(
    "npm run %s -- --help prints its usage and exits 0",
    async (name) => {
      for (const flag of ["--help", "-h"]) {
        const run = await runPackageScript(name, [flag]);
        expect(run.stderr).toBe("");
        expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ${name}\\b`));
        expect(run.code).toBe(0);
      }
    },
    60_000,
  );

  it.each(SCRIPTS)(
    "npm run %s -- --bogus names the option, points to --help and exits 2",
    async (name) => {
      const run = await runPackageScript(name, ["--bogus"]);
      expect(run.stderr).toBe(`npm run ${name}: unknown option '--bogus'.\nRun \`npm run ${name} -- --help\` for usage.\n`);
      expect(run.stdout).toBe("");
      expect(run.code).toBe(2);
    },
    60_000,
  );

  it("npm run mirror without --dir says it is required instead of crashing", async () => {
    const run = await runPackageScript("mirror", []);
    expect(run.stderr).toMatch(/^npm run mirror: --dir <folder> is required\.\n/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(2);
  }, 60_000);

  it("npm run serve -- --port abc says what --port takes", async () => {
    const run = await runPackageScript("serve", ["--port", "abc"]);
    expect(run.stderr).toMatch(/^npm run serve: --port must be a number from 0 to 65535, got "abc"\.\n/);
    expect(run.code).toBe(2);
  }, 60_000);
});
