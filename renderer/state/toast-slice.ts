// The store's toast slice: short messages that fade (failures stay longer).
import type { SliceContext } from './slice-context';
import type { Toast } from './types';

export interface ToastSlice {
  toasts: Toast[];
  toast(text: string, tone?: 'ok' | 'bad'): void;
  dismissToast(id: number): void;
}

export function createToastSlice({ set, get, deps, nextId }: SliceContext): ToastSlice {
  return {
    toasts: [],
    toast(text, tone = 'ok') {
      const id = nextId();
      set((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, tone }] }));
      (deps.later ?? setTimeout)(() => get().dismissToast(id), tone === 'bad' ? 12_000 : 4000);
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  };
}
