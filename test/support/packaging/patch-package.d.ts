// patch-package ships no types for its internals; the parts test/unit/node-llama-cpp-patch.test.ts uses.
declare module "patch-package/dist/patch/parse.js" {
  export type PatchFilePart = { type: string; path: string } & Record<string, unknown>;
  export function parsePatchFile(file: string): PatchFilePart[];
}
declare module "patch-package/dist/patch/apply.js" {
  import type { PatchFilePart } from "patch-package/dist/patch/parse.js";
  export function executeEffects(effects: PatchFilePart[], options: { dryRun: boolean; cwd?: string }): void;
}
