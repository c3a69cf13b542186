import type { Settings } from "../../shared/contract/settings.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import type { CoreContext, CoreModule } from "../kernel/context.js";
import { AppError } from "../kernel/errors.js";
import { generationDefaults } from "../settings/generation-defaults.js";
import type { SettingsService } from "../settings/settings-service.js";
import { ApiKeyFile } from "./api-key.js";
import { runSelfTest } from "./self-test.js";
import { startApiServer, type RunningApiServer } from "./openai-server.js";

export interface ApiDeps {
  /** The local engine process or the selected remote server. */
  engine: GenerationEngine;
  settings: SettingsService;
  /** This app's instance id, echoed in a header so a remote endpoint pointing here is recognised. */
  instanceId?: string;
}

/** The OpenAI-compatible API: runs while settings say so, moves when its port changes. */
export async function createApiModule(ctx: CoreContext, deps: ApiDeps): Promise<CoreModule> {
  const keyFile = new ApiKeyFile(ctx.dataDir);
  let apiKey = await keyFile.read();
  let running: RunningApiServer | undefined;
  let error: string | null = null;
  let applying = Promise.resolve();
  const settings = () => deps.settings.get();

  const apply = (wanted: Settings["apiServer"]) =>
    (applying = applying.then(async () => {
      if (running && (!wanted.enabled || running.port !== wanted.port)) {
        await running.close();
        running = undefined;
      }
      if (!wanted.enabled || running) return;
      try {
        running = await startApiServer({
          engine: deps.engine,
          apiKey: () => apiKey,
          port: wanted.port,
          defaults: () => generationDefaults(settings()),
          instanceId: deps.instanceId,
        });
        error = null;
      } catch (err) {
        error = `The API could not listen on 127.0.0.1:${wanted.port}: ${err instanceof Error ? err.message : String(err)}`;
        ctx.emit("app.notice", { level: "error", message: error });
      }
    }));

  const status = async () => {
    await applying;
    const model = deps.engine.loadedModel;
    return {
      enabled: settings().apiServer.enabled,
      running: running !== undefined,
      url: running?.url ?? null,
      apiKey,
      error,
      model: model ? { id: model.name, contextSize: model.contextSize ?? null } : null,
    };
  };

  const unsubscribe = deps.settings.onChange((s) => void apply(s.apiServer));
  await apply(settings().apiServer);

  return {
    handlers: {
      "api.status": status,
      "api.rotateKey": async () => {
        apiKey = await keyFile.rotate();
        return status();
      },
      "api.test": async ({ shape }) => {
        const now = await status();
        if (!now.url) throw new AppError("unavailable", now.error ?? "The local API is off. Turn it on in Settings first.");
        return runSelfTest(now.url, now.apiKey, shape ?? "openai-chat");
      },
    },
    close: async () => {
      unsubscribe();
      await applying;
      await running?.close();
    },
  };
}
