// What a running process has loaded and started, read from Linux's /proc.
import { readdir, readFile } from "node:fs/promises";

/** llama.cpp's native code as node-llama-cpp ships it: llama-addon.node, libllama*.so, libggml*.so. */
const NATIVE_LLAMA_LIBRARY = /(llama|ggml)[^/]*\.(node|so)(\.[\d.]+)?$|\/node-llama-cpp\/.*\.(node|so)(\.[\d.]+)?$/i;

/** Files mapped into the process's memory (from /proc/PID/maps), each once. */
export async function mappedFiles(pid: number): Promise<string[]> {
  const maps = await readFile(`/proc/${pid}/maps`, "utf8");
  const files = new Set<string>();
  for (const line of maps.split("\n")) {
    // address perms offset dev inode path: the path is everything after the fifth field.
    const file = line.split(/\s+/).slice(5).join(" ");
    if (file.startsWith("/")) files.add(file.replace(/ \(deleted\)$/, ""));
  }
  return [...files];
}

/** The llama.cpp / ggml / node-llama-cpp native libraries mapped into the process. */
export async function mappedNativeLlamaLibraries(pid: number): Promise<string[]> {
  return (await mappedFiles(pid)).filter((file) => NATIVE_LLAMA_LIBRARY.test(file));
}

/** Live child processes of `pid`, with their command lines. */
export async function childProcesses(pid: number): Promise<{ pid: number; commandLine: string }[]> {
  const children: { pid: number; commandLine: string }[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after its last ")".
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== pid) continue;
      const commandLine = (await readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0").join(" ").trim();
      children.push({ pid: Number(entry), commandLine });
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}
