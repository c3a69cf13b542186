import type { Attachment, ChatMeasure } from "$shared/contract/chat.js";
import { isSecretLookingFile } from "$shared/secret-files.js";
import { formatCount } from "../format.js";
import { selectFolderFiles, type FolderFile } from "../attachments/folder.js";
import { readTextFile } from "../attachments/read-file.js";

/** A paste this long becomes an attachment instead of flooding the message box. */
export const LARGE_PASTE_CHARS = 2000;
export const LARGE_PASTE_LINES = 40;

/** Counts tokens with the loaded model (the core's chat.measure); rejects when no model is loaded. */
export type Measurer = (request: { prompt: string; attachments: Attachment[] }) => Promise<ChatMeasure>;

/**
 * The files waiting in the composer: read in the browser (never a path), each with its token
 * count from the loaded model's tokenizer, and the whole question checked against the context.
 */
export class AttachmentTray {
  #files = $state.raw<Array<Pick<Attachment, "name" | "content">>>([]);
  /** Secret-looking files (.env, keys, credentials) read but held back until the person ticks to include them. */
  #heldBack = $state.raw<Array<Pick<Attachment, "name" | "content">>>([]);
  #includeSecrets = $state(false);
  #measured = $state.raw<ChatMeasure | null>(null);
  #notices = $state.raw<string[]>([]);
  #measuring = $state(false);
  #pastes = 0;
  #measureRun = 0;

  constructor(private readonly measure: Measurer) {}

  /** The files, with their tokens once counted (null until then, or without a model). */
  get items(): Array<{ name: string; chars: number; tokens: number | null }> {
    const counted = this.#measured?.attachmentTokens.length === this.#files.length ? this.#measured.attachmentTokens : null;
    return this.#files.map((file, i) => ({ name: file.name, chars: file.content.length, tokens: counted?.[i] ?? null }));
  }

  /** True while the loaded model counts the files; false once counted, or when it cannot (no model). */
  get measuring(): boolean {
    return this.#measuring;
  }

  get count(): number {
    return this.#files.length;
  }

  /** Files refused or skipped, in words (binary, too large, ignored by .gitignore). */
  get notices(): string[] {
    return this.#notices;
  }

  /** Names of the secret-looking files left out (empty once included). */
  get heldBack(): string[] {
    return this.#heldBack.map((file) => file.name);
  }

  /** Whether secret-looking files are attached too; ticking it attaches those held back. */
  get includeSecrets(): boolean {
    return this.#includeSecrets;
  }

  set includeSecrets(include: boolean) {
    this.#includeSecrets = include;
    if (include) {
      const held = this.#heldBack;
      this.#heldBack = [];
      for (const file of held) this.#put(file.name, file.content);
    } else {
      const secret = this.#files.filter((file) => isSecretLookingFile(file.name));
      this.#files = this.#files.filter((file) => !isSecretLookingFile(file.name));
      this.#heldBack = [...this.#heldBack, ...secret];
    }
    void this.remeasure();
  }

  get totalTokens(): number | null {
    const items = this.items;
    return items.length && items.every((item) => item.tokens !== null) ? items.reduce((sum, item) => sum + item.tokens!, 0) : null;
  }

  /** True when the question with its files cannot fit in the context at all. */
  get overflows(): boolean {
    const measured = this.#measured;
    return this.count > 0 && measured !== null && measured.promptTokens > measured.contextSize;
  }

  /** A plain warning when the files leave little or no room in the context; undefined when they fit. */
  get warning(): string | undefined {
    const measured = this.#measured;
    const total = this.totalTokens;
    if (!this.count || !measured || total === null) return undefined;
    const { promptTokens, contextSize } = measured;
    if (promptTokens > contextSize)
      return `The files take ${formatCount(total)} tokens; with this conversation the question needs ${formatCount(promptTokens)} of the ${formatCount(contextSize)} tokens of context, so it cannot be sent. Remove some files, or load the model with a larger context.`;
    const left = contextSize - promptTokens;
    if (left < Math.min(2048, contextSize / 4))
      return `The files take ${formatCount(total)} tokens and leave only ${formatCount(left)} of the ${formatCount(contextSize)} tokens of context for the reasoning and the answer; it may be cut short. Remove some files, or load the model with a larger context.`;
    return undefined;
  }

  async addFiles(files: File[]): Promise<void> {
    for (const file of files) {
      const read = await readTextFile(file, file.name);
      if (read.ok) this.#put(read.name, read.content);
      else this.#notice(read.reason);
    }
    await this.remeasure();
  }

  /** A folder's files, filtered by its .gitignore files and size, named by their path in it. */
  async addFolder(folderName: string, files: FolderFile[]): Promise<void> {
    const { kept, ignored, tooLarge, overLimit } = await selectFolderFiles(files);
    let binary = 0;
    let held = 0;
    for (const { path, file } of kept) {
      const read = await readTextFile(file, `${folderName}/${path}`);
      if (!read.ok) binary++;
      else if (!this.#put(read.name, read.content)) held++;
    }
    const skipped = [
      ignored && `${formatCount(ignored)} ignored by .gitignore`,
      binary && `${formatCount(binary)} binary`,
      held && `${formatCount(held)} that may hold secrets`,
      tooLarge && `${formatCount(tooLarge)} too large`,
      overLimit && `${formatCount(overLimit)} over the ${formatCount(kept.length)}-file limit`,
    ].filter(Boolean);
    if (skipped.length) this.#notice(`From ${folderName}: ${formatCount(kept.length - binary - held)} files attached; skipped ${skipped.join(", ")}.`);
    await this.remeasure();
  }

  /** Turns a large paste into an attachment; false when the text is small enough to paste as is. */
  addPaste(text: string): boolean {
    if (text.length < LARGE_PASTE_CHARS && text.split("\n").length < LARGE_PASTE_LINES) return false;
    this.#put(`Pasted text ${++this.#pastes}.txt`, text);
    void this.remeasure();
    return true;
  }

  remove(index: number): void {
    this.#files = this.#files.filter((_, i) => i !== index);
    void this.remeasure();
  }

  dismissNotices(): void {
    this.#notices = [];
  }

  /** Hands the files over for sending (with their counted tokens) and empties the tray. */
  take(): Attachment[] {
    const items = this.items;
    const taken = this.#files.map((file, i) => ({ ...file, tokens: items[i]!.tokens }));
    this.#files = [];
    this.#heldBack = [];
    this.#includeSecrets = false;
    this.#measured = null;
    this.#notices = [];
    return taken;
  }

  /** Counts again (after a change, or once a model is loaded); a newer count wins over a slower older one. */
  async remeasure(prompt = ""): Promise<void> {
    const run = ++this.#measureRun;
    if (!this.#files.length) {
      this.#measured = null;
      this.#measuring = false;
      return;
    }
    this.#measuring = true;
    let measured: ChatMeasure | null = null;
    try {
      measured = await this.measure({ prompt, attachments: this.#files });
    } catch {
      // No model loaded (or it is restarting): the count shows as unknown until one is.
    }
    if (run !== this.#measureRun) return;
    this.#measured = measured;
    this.#measuring = false;
  }

  /** Attaches the file, or holds it back when it looks secret and those are not included; true when attached. */
  #put(name: string, content: string): boolean {
    if (!this.#includeSecrets && isSecretLookingFile(name)) {
      this.#heldBack = [...this.#heldBack.filter((file) => file.name !== name), { name, content }];
      return false;
    }
    const others = this.#files.filter((file) => file.name !== name);
    this.#files = [...others, { name, content }];
    return true;
  }

  #notice(message: string): void {
    this.#notices = [...this.#notices, message];
  }
}
