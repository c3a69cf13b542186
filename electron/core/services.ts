/**
 * Services one capability offers another (settings to downloads, engine and store to chat, …).
 * Each module adds its entry by declaration merging, next to its own code:
 *
 *   declare module "../services.js" { interface CoreServices { settings: SettingsService } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CoreServices {}

export class ServiceRegistry {
  private readonly services = new Map<keyof CoreServices, unknown>();

  provide<K extends keyof CoreServices>(key: K, service: CoreServices[K]): void {
    this.services.set(key, service);
  }

  /** Look services up when a call runs, not at module creation, so start order matters less. */
  get<K extends keyof CoreServices>(key: K): CoreServices[K] {
    if (!this.services.has(key)) throw new Error(`The ${String(key)} service is not available.`);
    return this.services.get(key) as CoreServices[K];
  }

  has(key: keyof CoreServices): boolean {
    return this.services.has(key);
  }
}
