// What the Electron preload exposes (electron/shell/preload.ts); absent in browser mode.
export interface PickedFile {
  path: string;
  text: string;
}

export interface SkiffNative {
  openFile?(filters?: { name: string; extensions: string[] }[]): Promise<PickedFile[] | null>;
}

export function skiffNative(win: Window): SkiffNative | undefined {
  return (win as Window & { skiffNative?: SkiffNative }).skiffNative;
}
