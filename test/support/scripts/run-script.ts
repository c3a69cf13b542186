import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../../..");

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of package.json's scripts as npm would (its command line, then `args`), without npm's own
 * output: `tsx file` runs as `node --import tsx file`, anything else as written.
 */
export function runPackageScript(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ScriptRun> {
  const scripts = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  const script = scripts[name];
  if (!script) throw new Error(`package.json has no "${name}" script`);
  if (/&&|\|\||[;|<>]/.test(script)) throw new Error(`"${name}" is more than one command: ${script}`);
  const [program, ...words] = script.split(/\s+/);
  const [command, commandArgs] = program === "tsx" ? [process.execPath, ["--import", "tsx", ...words]] : [program!, words];
  return runCommand(command, [...commandArgs, ...args], env);
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
