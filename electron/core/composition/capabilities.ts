import { randomUUID } from "node:crypto";
import { createApiModule } from "../api/module.js";
import { createAppModule } from "../app/app-module.js";
import { createCatalogModule } from "../catalog/module.js";
import { createChatModule } from "../chat/module.js";
import { createCollectionsModule } from "../collections/module.js";
import { createDownloadsModule } from "../downloads/module.js";
import { gpusFromEngineStatus } from "../local-engine/engine-gpus.js";
import type { ContextPlanner, DraftCandidates, VariantOfFile } from "../local-engine/engine-service.js";
import type { EngineLauncher } from "../local-engine/launcher.js";
import { createEngineModule } from "../local-engine/module.js";
import { createFitModule } from "../fit/module.js";
import { createHardwareModule } from "../hardware/module.js";
import type { CoreContext, CoreModule } from "../kernel/context.js";
import type { EventBus } from "../kernel/event-bus.js";
import { createLibraryModule } from "../library/module.js";
import { createRemoteModule } from "../remote/module.js";
import { createSettingsModule } from "../settings/module.js";
import { createSavedContextModule } from "../saved-context/module.js";
import { createStoreModule } from "../store/module.js";
import { createUpdatesModule } from "../updates/module.js";
import type { Updater } from "../updates/updater.js";
import { chatStoreLink } from "./chat-store-link.js";
import { collectionPassages } from "./collections-chat-link.js";
import { selectedEngine } from "./engine-selection.js";
import { localContextLink } from "./larger-context-link.js";
import { linkModelUsage } from "./model-usage-link.js";
import { linkSavedContextCleanup } from "./saved-context-link.js";

/**
 * The one place the capabilities are built and wired, in dependency order: each gets the
 * collaborators it declares as typed parameters. Reading this function top to bottom is reading
 * the core's dependency graph.
 */
export async function composeCapabilities(
  ctx: CoreContext,
  wiring: { bus: EventBus; engineLauncher: EngineLauncher; updater?: Updater; openFolder?: (folder: string) => Promise<boolean> },
): Promise<CoreModule[]> {
  const modules: CoreModule[] = [];
  // Built modules are kept as they come, so a failure half-way still closes what was started.
  const add = <M extends CoreModule>(module: M): M => (modules.push(module), module);
  try {
    const settings = add(createSettingsModule(ctx));
    const store = add(createStoreModule(ctx));
    const modelsDir = () => settings.service.get().modelsDir;
    const savedContexts = add(createSavedContextModule(ctx));
    // "auto" contexts are planned by the fit estimator, built below; the planner only runs at load time.
    const planContext: ContextPlanner = (modelPath, kvCacheType, reservedBytes, contextSize, sequences) =>
      fit.service.largestContextFor(modelPath, { kvCacheType, reservedBytes, contextSize, sequences });
    // Drafts for speculative decoding come from the library, built below; looked up only at load time.
    const draftCandidates: DraftCandidates = async () => (await library.service.list()).filter((m) => !m.missing && m.files.length === 1);
    // A load by path alone (the API, a script) still names the catalog variant the library knows the file as.
    const variantOf: VariantOfFile = async (file) => (await library.service.list()).find((m) => m.path === file || m.files.includes(file))?.variantId;
    const engine = add(
      createEngineModule(ctx, {
        settings: settings.service,
        launcher: wiring.engineLauncher,
        planContext,
        savedContexts: savedContexts.service,
        draftCandidates,
        variantOf,
      }),
    );
    const hardware = add(createHardwareModule(ctx, { modelsDir, engineGpus: async () => gpusFromEngineStatus(engine.service.status()) }));
    const library = add(await createLibraryModule(ctx, { modelsDir }));
    const catalog = add(createCatalogModule(ctx, { settings: settings.service }));
    const fit = add(createFitModule(ctx, { catalog: catalog.service, hardware: hardware.service, library: library.service }));
    add(await createDownloadsModule(ctx, { settings: settings.service, library: library.service, catalog: catalog.service }));
    // Names this running app to its own local API, so a remote endpoint pointing back at it is refused.
    const instanceId = randomUUID();
    const remote = add(createRemoteModule(ctx, { catalog: catalog.service, instanceId }));
    // No embedding model is wired yet: collections retrieve lexically, and say so.
    const collections = add(await createCollectionsModule(ctx, { embedder: null }));
    // Chat and the local API answer from the selected remote server, else from the local engine.
    const answering = selectedEngine(engine.service, remote.service);
    add(
      createChatModule(ctx, {
        engine: answering,
        settings: settings.service,
        ...chatStoreLink(store.service, answering),
        localContext: localContextLink(engine.service, remote.service, fit.service),
        passages: collectionPassages(collections.service),
      }),
    );
    add(await createApiModule(ctx, { engine: answering, settings: settings.service, instanceId }));
    add(createAppModule(ctx, { hardware: hardware.service, openFolder: wiring.openFolder }));
    add(createUpdatesModule(ctx, { settings: settings.service, updater: wiring.updater }));
    const stopUsage = linkModelUsage(wiring.bus, library.service, fit.service);
    const stopSavedContextCleanup = linkSavedContextCleanup(wiring.bus, savedContexts.service);
    add({
      handlers: {},
      close: async () => {
        stopUsage();
        stopSavedContextCleanup();
      },
    });
    return modules;
  } catch (err) {
    await closeModules(modules);
    throw err;
  }
}

/** Closes in reverse start order: what was started last may depend on what came before. */
export async function closeModules(modules: readonly CoreModule[]): Promise<void> {
  for (const module of [...modules].reverse()) await module.close?.();
}
