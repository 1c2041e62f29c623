// What every store slice is made with: the store's set/get, the store's deps and one id
// counter (editor requests and toasts share it, so ids never repeat across them).
import type { AppState, AppStoreDeps } from './app-store';

export type StoreSet = (partial: Partial<AppState> | ((s: AppState) => Partial<AppState>)) => void;

export interface SliceContext {
  set: StoreSet;
  get: () => AppState;
  deps: AppStoreDeps;
  nextId: () => number;
}
