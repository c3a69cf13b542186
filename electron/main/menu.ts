import type { MenuItemConstructorOptions } from "electron";

/**
 * Native menus with the usual shortcuts (roles give each platform its own accelerators). DevTools
 * only in development builds: a packaged app has no menu item (nor shortcut) that opens them.
 */
export function menuTemplate(
  platform: NodeJS.Platform,
  actions: { newChat: () => void; openDataFolder: () => void; devTools?: boolean },
): MenuItemConstructorOptions[] {
  const mac = platform === "darwin";
  return [
    ...(mac ? [{ role: "appMenu" as const }] : []),
    {
      label: "File",
      submenu: [
        { label: "New Chat", accelerator: "CmdOrCtrl+N", click: actions.newChat },
        { label: "Open Data Folder", click: actions.openDataFolder },
        { type: "separator" },
        mac ? { role: "close" } : { role: "quit" },
      ],
    },
    { role: "editMenu" },
    {
      label: "View",
      submenu: [
        { role: "reload" },
        ...(actions.devTools ? [{ role: "toggleDevTools" as const }] : []),
        { type: "separator" },
        { role: "resetZoom" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { type: "separator" },
        { role: "togglefullscreen" },
      ],
    },
    { role: "windowMenu" },
  ];
}
