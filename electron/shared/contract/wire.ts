import { z } from "zod";
import { CallError } from "../errors.js";

/** Envelope used by the WebSocket transport (the IPC transport carries the same fields). */
export const WireCall = z.object({ t: z.literal("call"), id: z.number().int(), name: z.string(), payload: z.unknown().optional() });
export const WireResult = z.union([
  z.object({ t: z.literal("result"), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal("result"), id: z.number().int(), ok: z.literal(false), error: CallError }),
]);
export const WireEvent = z.object({ t: z.literal("event"), name: z.string(), payload: z.unknown().optional() });
export type WireCall = z.infer<typeof WireCall>;
export type WireResult = z.infer<typeof WireResult>;
export type WireEvent = z.infer<typeof WireEvent>;

export { CallError };
