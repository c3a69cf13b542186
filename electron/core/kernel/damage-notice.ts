import path from "node:path";
import type { CoreContext } from "./context.js";
import type { OnDamaged } from "./state-file.js";

/**
 * The notice every damaged state file gives, as settings, the library and the store do: what was
 * damaged, where the copy went, and what the app does instead. (The log gets it with every notice.)
 */
export function damageNotice(ctx: Pick<CoreContext, "emit">, what: string, instead: string): OnDamaged {
  return ({ backup, problem }) =>
    ctx.emit("app.notice", { level: "warning", message: `${what} was damaged (${problem}); it was set aside as ${path.basename(backup)} and ${instead}` });
}
