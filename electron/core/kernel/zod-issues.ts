import type { z } from "zod";

/** A zod error as one readable line: the first few problems with their paths (`whole` names the value itself). */
export function describeIssues(error: z.ZodError, whole = "(payload)"): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : whole}: ${issue.message}`)
    .join("; ");
}
