// The conditions the Gateway model writes (pure): the Gateway's Accepted/Programmed and each
// listener's Accepted, Programmed, ResolvedRefs and Conflicted, from the listener verdicts,
// conflicts and places the model found.
import type { Condition } from './gateway-types';
import { gatewaySpec } from './gateway-types';
import type { GatewayStatus } from './gateway-model';
import type { GatewayEntry } from './listener-match';

export const cond = (type: string, ok: boolean, reason: string, message: string, generation?: number): Condition => ({
  type,
  status: ok ? 'True' : 'False',
  reason,
  message,
  ...(generation !== undefined ? { observedGeneration: generation } : {}),
});

export function gatewayStatus({ gw, verdicts, conflicts, places, attached }: GatewayEntry): GatewayStatus {
  const gen = gw.metadata.generation;
  const listeners = gatewaySpec(gw).listeners ?? [];
  const unsupportedAddress = (gatewaySpec(gw).addresses ?? []).find((a) => a.value !== '127.0.0.1');
  const anyAccepted = verdicts.some((v) => v.accepted);
  const programmed = anyAccepted && listeners.some((_, i) => verdicts[i].accepted && !conflicts[i] && places[i].up);
  const accepted = anyAccepted && !unsupportedAddress;
  return {
    addresses: programmed ? [{ type: 'IPAddress', value: '127.0.0.1' }] : [],
    conditions: [
      unsupportedAddress
        ? cond(
            'Accepted',
            false,
            'UnsupportedAddress',
            `address ${unsupportedAddress.value} is not available: Skiff's Gateways listen on 127.0.0.1`,
            gen,
          )
        : cond('Accepted', accepted, accepted ? 'Accepted' : 'ListenersNotValid', accepted ? 'Accepted' : 'No listener is valid', gen),
      cond(
        'Programmed',
        programmed,
        programmed ? 'Programmed' : 'Invalid',
        programmed ? 'Served on 127.0.0.1' : 'No listener is served yet',
        gen,
      ),
    ],
    listeners: listeners.map((l, i) => {
      const v = verdicts[i];
      const conflict = conflicts[i];
      const up = v.accepted && v.resolved && !conflict && places[i].up;
      return {
        name: l.name,
        supportedKinds: v.supportedKinds,
        attachedRoutes: attached[i],
        conditions: [
          cond(
            'Accepted',
            v.accepted,
            v.accepted ? 'Accepted' : (v.acceptedReason ?? 'UnsupportedProtocol'),
            v.accepted ? 'Accepted' : v.message,
            gen,
          ),
          cond(
            'Programmed',
            up,
            up ? 'Programmed' : 'Invalid',
            up ? 'Programmed' : conflict?.message || v.message || 'The ingress listener is not up',
            gen,
          ),
          cond('ResolvedRefs', v.resolved, v.resolved ? 'ResolvedRefs' : v.reason, v.resolved ? 'Resolved all references' : v.message, gen),
          conflict
            ? cond('Conflicted', true, conflict.reason, conflict.message, gen)
            : cond('Conflicted', false, 'NoConflicts', 'No conflicts', gen),
        ],
      };
    }),
  };
}
