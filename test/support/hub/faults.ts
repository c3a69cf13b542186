import { z } from "zod";

/**
 * Faults the local hub can inject, one request at a time. A test adds rules on the server object;
 * the standalone mirror takes them from a control endpoint (POST /__hub/faults) or per request
 * from the `x-hub-fault` header (JSON of one rule).
 */
export const FaultRule = z.discriminatedUnion("kind", [
  /** Send the headers and this many body bytes, then cut the connection. */
  z.object({ kind: z.literal("drop"), afterBytes: z.number().int().nonnegative() }),
  /** Send this many body bytes, then go silent (for `ms`, or until the client gives up). */
  z.object({ kind: z.literal("stall"), afterBytes: z.number().int().nonnegative(), ms: z.number().int().positive().optional() }),
  /** Answer with this status and a short body instead of the file. */
  z.object({ kind: z.literal("status"), status: z.number().int().min(400).max(599) }),
  /** Ignore Range: always answer 200 with the whole file and no Accept-Ranges. */
  z.object({ kind: z.literal("no-range") }),
  /** Serve different bytes than the published sha256 (one byte flipped at `atByte`, default the middle). */
  z.object({ kind: z.literal("corrupt"), atByte: z.number().int().nonnegative().optional() }),
  /** Send the body no faster than this. */
  z.object({ kind: z.literal("throttle"), bytesPerSecond: z.number().int().positive() }),
  /** Hostile: announce no size (no Content-Length, no x-linked-size); the body is chunked. */
  z.object({ kind: z.literal("no-length") }),
  /** Hostile: after the file, keep sending junk: this many bytes, or without end when omitted. */
  z.object({ kind: z.literal("overlong"), extraBytes: z.number().int().positive().optional() }),
  /** Hostile: answer 302 to this address (itself for a loop, or a non-http scheme). */
  z.object({ kind: z.literal("redirect"), location: z.string() }),
  /** Hostile: an API answer of this many bytes of valid JSON (a huge array). */
  z.object({ kind: z.literal("huge-json"), bytes: z.number().int().positive() }),
]);
export type FaultKind = z.infer<typeof FaultRule>;

export const FaultSpec = z.object({
  /** Applies only to request paths containing this text (default: every file request). */
  match: z.string().optional(),
  /** Applies only to this method (default: GET for body faults, GET and HEAD for status faults). */
  method: z.enum(["GET", "HEAD"]).optional(),
  /** How many matching requests it applies to before it is used up (default 1; 0 = forever). */
  times: z.number().int().nonnegative().optional(),
  fault: FaultRule,
});
export type FaultSpec = z.infer<typeof FaultSpec>;

interface ActiveFault {
  spec: FaultSpec;
  remaining: number; // Infinity when `times` is 0
}

/** The ordered list of pending faults; the first rule that matches a request is consumed. */
export class FaultInjector {
  private rules: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const parsed = FaultSpec.parse(spec);
    const times = parsed.times ?? 1;
    this.rules.push({ spec: parsed, remaining: times === 0 ? Infinity : times });
  }

  /** Shorthands for tests. */
  drop(afterBytes: number, opts: Omit<FaultSpec, "fault"> = {}): void {
    this.add({ ...opts, fault: { kind: "drop", afterBytes } });
  }
  stall(afterBytes: number, opts: Omit<FaultSpec, "fault"> & { ms?: number } = {}): void {
    const { ms, ...rest } = opts;
    this.add({ ...rest, fault: { kind: "stall", afterBytes, ms } });
  }
  status(status: number, opts: Omit<FaultSpec, "fault"> = {}): void {
    this.add({ ...opts, fault: { kind: "status", status } });
  }
  noRange(opts: Omit<FaultSpec, "fault"> = {}): void {
    this.add({ ...opts, fault: { kind: "no-range" } });
  }
  corrupt(opts: Omit<FaultSpec, "fault"> & { atByte?: number } = {}): void {
    const { atByte, ...rest } = opts;
    this.add({ ...rest, fault: { kind: "corrupt", atByte } });
  }
  throttle(bytesPerSecond: number, opts: Omit<FaultSpec, "fault"> = {}): void {
    this.add({ ...opts, fault: { kind: "throttle", bytesPerSecond } });
  }

  clear(): void {
    this.rules = [];
  }

  pending(): FaultSpec[] {
    return this.rules.map((r) => r.spec);
  }

  /** Every fault that applies to this request (one per kind), consuming one use of each; `only` limits the kinds considered. */
  take(method: string, path: string, only?: FaultKind["kind"][]): FaultKind[] {
    const taken: FaultKind[] = [];
    const kinds = new Set<string>();
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || kinds.has(rule.spec.fault.kind)) continue;
      if (only && !only.includes(rule.spec.fault.kind)) continue;
      if (rule.spec.match && !path.includes(rule.spec.match)) continue;
      const both = ["status", "no-length", "redirect", "huge-json"].includes(rule.spec.fault.kind);
      const methods = rule.spec.method ? [rule.spec.method] : both ? ["GET", "HEAD"] : ["GET"];
      if (!methods.includes(method)) continue;
      rule.remaining -= 1;
      kinds.add(rule.spec.fault.kind);
      taken.push(rule.spec.fault);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return taken;
  }
}
