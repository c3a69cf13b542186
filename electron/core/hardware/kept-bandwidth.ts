import { z } from "zod";
import { JsonStateFile } from "../kernel/state-file.js";

/** What identifies a machine's memory system well enough to reuse a bandwidth measured on it. */
export interface MachineFingerprint {
  cpuModel: string;
  cores: number;
  ramTotalBytes: number;
}

const KeptRecord = z.object({ fingerprint: z.string(), ramBandwidthGBs: z.number().positive(), measuredAt: z.string() }).strict();
type KeptRecord = z.infer<typeof KeptRecord>;

/** The fingerprint as stored: RAM to the nearest GiB, since the kernel's total moves by a few kB between boots. */
export function fingerprintText(machine: MachineFingerprint): string {
  return `${machine.cpuModel} · ${machine.cores} cores · ${Math.round(machine.ramTotalBytes / 1024 ** 3)} GiB`;
}

/**
 * The RAM bandwidth of this machine, measured once and kept in the data folder: a copy test's
 * figure moves from launch to launch, and every speed estimate and the recommendation follow it.
 * Measured again only when the machine changes (another CPU, core count or amount of RAM), or when
 * the kept file is missing or damaged.
 */
export class KeptBandwidth {
  readonly #file: JsonStateFile<KeptRecord>;
  #pending: Promise<number> | undefined;
  #pendingFor: string | undefined;

  constructor(
    file: string,
    private readonly measure: () => Promise<number>,
  ) {
    this.#file = new JsonStateFile(file, KeptRecord, { indent: 2 });
  }

  forMachine(machine: MachineFingerprint): Promise<number> {
    const fingerprint = fingerprintText(machine);
    if (this.#pending && this.#pendingFor === fingerprint) return this.#pending;
    this.#pendingFor = fingerprint;
    this.#pending = this.#keptOrMeasured(fingerprint);
    this.#pending.catch(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #keptOrMeasured(fingerprint: string): Promise<number> {
    // A damaged file is set aside by the state file; the machine is simply measured again.
    const kept = (await this.#file.read().catch(() => undefined))?.value;
    if (kept && kept.fingerprint === fingerprint) return kept.ramBandwidthGBs;
    const ramBandwidthGBs = await this.measure();
    await this.#file.write({ fingerprint, ramBandwidthGBs, measuredAt: new Date().toISOString() }).catch(() => undefined);
    return ramBandwidthGBs;
  }
}
