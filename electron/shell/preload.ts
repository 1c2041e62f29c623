// Runs sandboxed before the page: exposes only the native needs (file dialog, reveal a file,
// app info) as a frozen object. No Node, no ipcRenderer, no arbitrary channels reach the page.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('skiffNative', {
  openFile: (filters?: { name: string; extensions: string[] }[]) => ipcRenderer.invoke('skiff:open-file', filters),
  revealFile: (path: string) => ipcRenderer.invoke('skiff:reveal-file', String(path)),
  appInfo: () => ipcRenderer.invoke('skiff:app-info'),
});
