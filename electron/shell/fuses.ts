// Electron fuses for a packaged Skiff: switches compiled into the Electron binary that no
// environment variable or argument can turn back on. Plain data here (the names are
// @electron/fuses' FuseV1Options), tested from code; scripts/flip-fuses.mjs writes them into a
// packaged binary with @electron/fuses (a packaging-time step; no Electron binary is needed to
// test them).
export const FUSES = {
  /** ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node running any script. */
  RunAsNode: false,
  /** Cookies and the session's storage encrypted with the OS keychain key. */
  EnableCookieEncryption: true,
  /** NODE_OPTIONS (e.g. --require of another program's file) ignored. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect and friends ignored: no debugger attached to the main process from outside. */
  EnableNodeCliInspectArguments: false,
  /** The app code is checked against the hash in the binary (macOS and Windows). */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Only the packaged app.asar is loaded, never a loose folder beside it. */
  OnlyLoadAppFromAsar: true,
  /** file:// gets no privileges beyond a normal web origin (the app is served over http://127.0.0.1). */
  GrantFileProtocolExtraPrivileges: false,
} as const satisfies Record<string, boolean>;

export type FuseName = keyof typeof FUSES;
