// ReplicaSet controller: keeps spec.replicas pods matching spec.selector (see replica-sync.ts).
import { R } from '../client/types';
import { labelSelectorFromObject } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';
import { createReplicaController } from './replica-sync';

export function createReplicaSetController(deps: ControllerDeps): Controller {
  return createReplicaController(deps, {
    name: 'replicaset',
    res: R.replicasets,
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    selector: (rs) => labelSelectorFromObject(rs.spec?.selector),
  });
}
