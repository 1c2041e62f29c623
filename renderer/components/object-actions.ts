// Actions on one object that the table keys and the palette share with the detail panel:
// a pod's logs and shell (the pod is read first for its containers), its YAML, delete.
import { podLogsTab, podShellTab } from '../dock/pod-tabs';
import { accessQuery, type AccessQuery } from '../k8s/access';
import { errorText } from '../k8s/errors';
import { resourcePath, wellKnown } from '../k8s/resources';
import type { KubeObject } from '../k8s/types';
import type { Services } from '../state/services';
import type { Selection } from '../state/types';

export type ObjectAction = 'logs' | 'shell' | 'edit' | 'delete';

export function actionsFor(sel: Selection): ObjectAction[] {
  const isPod = sel.resource.group === '' && sel.resource.name === 'pods';
  return [...(isPod ? (['logs', 'shell'] as const) : []), 'edit', 'delete'];
}

/** The access review an action needs (the same check the detail panel's buttons use). */
export function actionAccess(sel: Selection, action: ObjectAction): AccessQuery {
  const { resource, namespace, name } = sel;
  if (action === 'logs') return accessQuery(wellKnown.pods, 'get', namespace, name, 'log');
  if (action === 'shell') return accessQuery(wellKnown.pods, 'create', namespace, name, 'exec');
  return accessQuery(resource, action === 'edit' ? 'update' : 'delete', namespace, name);
}

export async function runObjectAction(
  services: Pick<Services, 'store' | 'k8s' | 'access'>,
  sel: Selection,
  action: ObjectAction,
): Promise<void> {
  const s = services.store.getState();
  const profile = s.profile;
  if (!profile) return;
  // Keys and the palette say why at once instead of failing late (edit still opens, read-only).
  if (action !== 'edit') {
    const access = await services.access(profile).check(actionAccess(sel, action));
    if (!access.allowed)
      return void s.toast(`${access.reason}: cannot ${action === 'shell' ? 'open a shell in' : action} ${sel.name}.`, 'bad');
  }
  if (action === 'edit') return s.openEditor({ mode: 'edit', resource: sel.resource, namespace: sel.namespace, name: sel.name });
  if (action === 'delete') return s.askDelete(sel);
  if (!actionsFor(sel).includes(action)) return;
  try {
    const pod = await services
      .k8s(profile)
      .getJson<KubeObject>(resourcePath(wellKnown.pods, sel.namespace, sel.name), { what: `pod ${sel.name}` });
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (action === 'shell' && phase !== 'Running') {
      s.toast(`Pod ${sel.name} is not running (${phase ?? 'no phase yet'}): no shell.`, 'bad');
      return;
    }
    s.openTab(action === 'logs' ? podLogsTab(profile, pod) : podShellTab(profile, pod));
  } catch (e) {
    s.toast(`Could not open the ${action === 'logs' ? 'logs' : 'shell'} of ${sel.name}: ${errorText(e)}`, 'bad');
  }
}
