import type { ConversationSummary, TrainingExportRequest } from "$shared/contract/conversations.js";
import { api } from "../api/client.js";
import { messageOf } from "../attempt.js";
import { saveTextFile } from "../save-file.js";

export type TraceStyle = TrainingExportRequest["style"];
export type TrainingFile = { fileName: string; mimeType: string; content: string; examples: number; skipped: number };

export interface TraceExportGateway {
  exportTraining(request: TrainingExportRequest): Promise<TrainingFile>;
  /** Hands the file to the user (a download in the browser, the save dialog in Electron). */
  save(file: TrainingFile): void;
}

export const coreTraceExportGateway: TraceExportGateway = {
  exportTraining: (request) => api.call("conversations.exportTraining", request),
  save: (file) => saveTextFile(file.fileName, file.content, file.mimeType),
};

/** A length bound as typed: blank means none. */
function bound(text: string): number | undefined | null {
  if (!text.trim()) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * The "Training data" export: which conversations, which format, which answers. The form's inputs
 * bind to the choices, so those have setters; the selection changes through `toggle`.
 */
export class TraceExport {
  #scope = $state<"all" | "selected">("all");
  #selected = $state<string[]>([]);
  #style = $state<TraceStyle>("reasoning-field");
  #onlyFinished = $state(true);
  #onlyKept = $state(true);
  #minChars = $state("");
  #maxChars = $state("");
  #result = $state<string | undefined>();
  #error = $state<string | undefined>();
  #busy = $state(false);

  constructor(private readonly gateway: TraceExportGateway = coreTraceExportGateway) {}

  get scope(): "all" | "selected" {
    return this.#scope;
  }

  set scope(value: "all" | "selected") {
    this.#scope = value;
  }

  get selected(): string[] {
    return this.#selected;
  }

  get style(): TraceStyle {
    return this.#style;
  }

  set style(value: TraceStyle) {
    this.#style = value;
  }

  get onlyFinished(): boolean {
    return this.#onlyFinished;
  }

  set onlyFinished(value: boolean) {
    this.#onlyFinished = value;
  }

  get onlyKept(): boolean {
    return this.#onlyKept;
  }

  set onlyKept(value: boolean) {
    this.#onlyKept = value;
  }

  get minChars(): string {
    return this.#minChars;
  }

  set minChars(value: string) {
    this.#minChars = value;
  }

  get maxChars(): string {
    return this.#maxChars;
  }

  set maxChars(value: string) {
    this.#maxChars = value;
  }

  get result(): string | undefined {
    return this.#result;
  }

  get error(): string | undefined {
    return this.#error;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Why the export cannot run yet, in words; undefined when it can. */
  problem(conversations: ConversationSummary[]): string | undefined {
    if (!conversations.length) return "There are no conversations to export yet.";
    if (this.#scope === "selected" && !this.#selected.length) return "Choose at least one conversation.";
    const min = bound(this.#minChars);
    const max = bound(this.#maxChars);
    if (min === null || max === null) return "Reasoning lengths are whole numbers of characters, or blank for no limit.";
    if (min !== undefined && max !== undefined && min > max) return "The minimum reasoning length is above the maximum.";
    return undefined;
  }

  toggle(id: string, on: boolean): void {
    const others = this.#selected.filter((s) => s !== id);
    this.#selected = on ? [...others, id] : others;
  }

  async run(conversations: ConversationSummary[]): Promise<void> {
    if (this.problem(conversations) || this.#busy) return;
    this.#busy = true;
    this.#error = this.#result = undefined;
    try {
      const file = await this.gateway.exportTraining({
        ids: this.#scope === "selected" ? this.#selected.filter((id) => conversations.some((c) => c.id === id)) : undefined,
        style: this.#style,
        onlyFinished: this.#onlyFinished,
        onlyKept: this.#onlyKept,
        minReasoningChars: bound(this.#minChars) ?? undefined,
        maxReasoningChars: bound(this.#maxChars) ?? undefined,
      });
      if (file.examples === 0) {
        this.#result = `No answer passed the filters (${file.skipped} left out); nothing was saved.`;
        return;
      }
      this.gateway.save(file);
      const left = file.skipped ? `; ${file.skipped} left out by the filters` : "";
      this.#result = `Saved ${file.examples} ${file.examples === 1 ? "answer" : "answers"} to ${file.fileName}${left}.`;
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#busy = false;
    }
  }
}
