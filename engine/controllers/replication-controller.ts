// ReplicationController controller: a ReplicaSet whose selector is a plain label map, defaulting
// to the template's labels (as the API server defaults it).
import { R } from '../client/types';
import { labelSelectorFromSet, NOTHING } from '../apimachinery/selectors';
import type { Controller, ControllerDeps } from './types';
import { createReplicaController } from './replica-sync';

export function createReplicationControllerController(deps: ControllerDeps): Controller {
  return createReplicaController(deps, {
    name: 'replicationcontroller',
    res: R.replicationcontrollers,
    apiVersion: 'v1',
    kind: 'ReplicationController',
    selector: (rc) => {
      const sel = rc.spec?.selector ?? rc.spec?.template?.metadata?.labels;
      // An empty selector would match every pod in the namespace: select none instead.
      return sel && Object.keys(sel).length ? labelSelectorFromSet(sel) : NOTHING;
    },
  });
}
