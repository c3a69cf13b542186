import path from "node:path";

/** `name-00001-of-00003.gguf`: how llama.cpp's gguf-split names the parts of one model. */
const SPLIT_PART = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;
const QUANT = /(?:^|[-_.])((?:IQ\d_[A-Z0-9_]+?|Q\d(?:_[A-Z0-9]+)*|BF16|F16|F32))(?=[-_.]|$)/i;

/** A split part's number, the part count and the name of every part; undefined for a whole file. */
export function parseSplitFileName(file: string): { part: number; count: number; partNames: string[] } | undefined {
  const match = SPLIT_PART.exec(path.basename(file));
  if (!match) return undefined;
  const [, stem, part, count] = match as unknown as [string, string, string, string];
  const total = Number(count);
  if (total < 1 || Number(part) < 1 || Number(part) > total) return undefined;
  const partNames = Array.from({ length: total }, (_, i) => `${stem}-${String(i + 1).padStart(5, "0")}-of-${count}.gguf`);
  return { part: Number(part), count: total, partNames };
}

/** All part names of a split GGUF file (`x-00001-of-00003.gguf` → three names), or just the name. */
export function splitPartNames(fileName: string): string[] {
  return parseSplitFileName(fileName)?.partNames ?? [fileName];
}

/** The name a person knows a model by: `x-00001-of-00003.gguf` → `x.gguf`. */
export function wholeModelName(fileName: string): string {
  const match = SPLIT_PART.exec(fileName);
  return match ? `${match[1]}.gguf` : fileName;
}

/** The quantization a file name announces (`…-Q4_K_M.gguf` → "Q4_K_M"), if any. */
export function quantizationFromName(fileName: string): string | undefined {
  const base = wholeModelName(fileName).replace(/\.gguf$/i, "");
  return QUANT.exec(base)?.[1]?.toUpperCase();
}
