import { app, BrowserWindow, ipcMain, Menu, screen, session, shell } from "electron";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppCore } from "../core/composition/app-core.js";
import { APP_ORIGIN, registerAppScheme, serveRenderer } from "./app-protocol.js";
import { createAppUpdater } from "./app-updater.js";
import { CALL_CHANNEL, createCallHandler, forwardEvents, sendEvent } from "./ipc-bridge.js";
import { isAllowedWindowDownload, rendererDevUrl } from "./build-mode.js";
import { menuTemplate } from "./menu.js";
import { UtilityEngineLauncher } from "./utility-engine-launcher.js";
import { isAppUrl, isSafeExternalUrl, restoreBounds, windowOptions } from "./window-options.js";
import { loadWindowState, saveWindowState } from "./window-state.js";

// The Electron composition root: windows, the IPC adapter, menus and lifecycle. Everything else
// lives in the core (plain Node), which serve mode and the tests run without Electron.
const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = rendererDevUrl(process.env, app.isPackaged);
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on("second-instance", () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on("web-contents-created", (_event, contents) => {
    contents.on("will-navigate", (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: "deny" };
    });
  });
  app.whenReady().then(start, (err: unknown) => {
    console.error(err);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const userData = app.getPath("userData");
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // Only files the page made itself may be saved (Electron then asks where); nothing else downloads.
  session.defaultSession.on("will-download", (event, item) => {
    if (!isAllowedWindowDownload(item.getURL(), [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])])) event.preventDefault();
  });
  serveRenderer(path.join(here, "../renderer"));

  const engineLauncher = new UtilityEngineLauncher(path.join(here, "../engine/engine.js"));
  const updater = app.isPackaged ? createAppUpdater() : undefined;
  // The core opens only its own log folder through this; shell.openPath answers "" on success.
  const openFolder = async (folder: string) => (await shell.openPath(folder)) === "";
  const core = await AppCore.create({ dataDir: userData, mode: "electron", engineLauncher, updater, openFolder });
  ipcMain.handle(CALL_CHANNEL, createCallHandler(core, devServerUrl));

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        newChat: () => sendEvent(mainWindow?.webContents, "app.command", { command: "new-chat" }),
        openDataFolder: () => void shell.openPath(userData),
        devTools: !app.isPackaged,
      }),
    ),
  );
  createWindow(userData);
  // Subscribing after the first page load hands it the core's start-up notices too.
  mainWindow?.webContents.once("did-finish-load", () => forwardEvents(core, () => mainWindow?.webContents));
  app.on("activate", () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(userData);
  });
  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });
  app.on("will-quit", (event) => {
    event.preventDefault();
    void core.close().finally(() => app.exit(0));
  });
}

function createWindow(userData: string): void {
  const bounds = restoreBounds(
    loadWindowState(userData),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const window = new BrowserWindow(windowOptions(bounds, path.join(here, "../preload/preload.cjs"), { devTools: !app.isPackaged }));
  if (bounds.maximized) window.maximize();
  window.once("ready-to-show", () => {
    window.show();
    // Used by the Electron smoke test: proves the window, preload and renderer came up.
    if (process.env.R1_SMOKE_TEST)
      void window.webContents.executeJavaScript("typeof window.api").then((kind) => {
        console.log(`R1_SMOKE_OK api=${kind}`);
        app.exit(0);
      });
  });
  window.on("close", () => saveWindowState(userData, { ...window.getNormalBounds(), maximized: window.isMaximized() }));
  window.on("closed", () => (mainWindow = undefined));
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  mainWindow = window;
}
