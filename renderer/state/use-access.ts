// Whether the selected profile may do something (k8s/access.ts), for buttons: undefined while
// unknown (the button stays offered), else allowed or the reason it is not. Asked again when the
// answers are invalidated (a 403 proved them stale) or the queries change. Each answer shows as
// it comes (a view reads what it may as soon as that is known, not after its slowest check).
import { useEffect, useState } from 'react';
import type { Access, AccessQuery } from '../k8s/access';
import { useApp, useServices } from './services';

/** `priority` 'low': checks nobody waits on (the sidebar's), asked after the view's own requests. */
export function useAccessList(qs: AccessQuery[], priority?: RequestPriority): Array<Access | undefined> {
  const services = useServices();
  const profile = useApp((s) => s.profile);
  const reviewer = profile ? services.access(profile) : undefined;
  const key = reviewer && qs.length ? JSON.stringify([profile, qs]) : '';
  const peek = () => qs.map((q) => reviewer?.peek(q));
  const [state, setState] = useState<{ key: string; access: Array<Access | undefined> }>(() => ({ key, access: peek() }));
  const [round, setRound] = useState(0);
  useEffect(() => reviewer?.onInvalidate(() => setRound((n) => n + 1)), [reviewer]);
  useEffect(() => {
    if (!key || !reviewer) return;
    let live = true;
    const access = peek();
    qs.forEach((q, i) => {
      void reviewer.check(q, priority).then((a) => {
        if (!live || access[i] === a) return;
        access[i] = a;
        setState({ key, access: [...access] });
      });
    });
    return () => {
      live = false;
    };
  }, [key, round]); // eslint-disable-line react-hooks/exhaustive-deps -- key stands for profile and queries
  return state.key === key ? state.access : peek();
}

export function useAccess(q: AccessQuery | undefined, priority?: RequestPriority): Access | undefined {
  return useAccessList(q ? [q] : [], priority)[0];
}

/** Props for a button an RBAC answer may disable: disabled with the reason as its title. */
export function guard(access: Access | undefined, otherwise?: { disabled?: boolean; title?: string }) {
  if (access && !access.allowed) return { disabled: true, title: access.reason, 'data-rbac-denied': access.reason };
  return { disabled: otherwise?.disabled, title: otherwise?.title };
}
