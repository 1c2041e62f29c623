// Upgrade (edited values), roll back and uninstall a Helm release from its panel, through the host's helm binary (the
// host says whether there is one; without it the buttons stay disabled with the reason). Each
// asks first, saying what helm will do; helm's own error is shown in the dialog when it fails.
import { useEffect, useMemo, useState } from 'react';
import { stringify } from 'yaml';
import type { HelmInfo } from '../../../electron/host/protocol';
import { createHelmClient, type HelmClient } from '../../host/helm-client';
import { errorText } from '../../k8s/errors';
import type { HelmRelease } from '../../k8s/helm-release';
import { useApp, useServices } from '../../state/services';
import { ConfirmDialog } from '../confirm-dialog';
import { manifestObjects, rollbackSummary } from './helm-manifest';

export function useHelmClient(): HelmClient {
  const { fetch } = useServices();
  return useMemo(() => createHelmClient(fetch), [fetch]);
}

/** The host's helm (asked once per mount); undefined while asking. */
export function useHelmInfo(helm: HelmClient): HelmInfo | undefined {
  const [info, setInfo] = useState<HelmInfo | undefined>();
  useEffect(() => {
    let live = true;
    helm.info().then(
      (i) => live && setInfo(i),
      (e) => live && setInfo({ available: false, reason: `cannot ask the host about helm: ${errorText(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [helm]);
  return info;
}

type Ask = { kind: 'rollback'; to: number } | { kind: 'uninstall' } | { kind: 'upgrade' };

export interface HelmActionsProps {
  release: HelmRelease;
  /** The number of revision records (all go on uninstall). */
  revisions: number;
  info: HelmInfo | undefined;
  helm: HelmClient;
  /** The rollback a history row asked for (cleared when the dialog closes). */
  rollbackTo?: number;
  onAsked(): void;
}

export function HelmActions(p: HelmActionsProps) {
  const profile = useApp((s) => s.profile);
  const { store } = useServices();
  const toast = (text: string) => store.getState().toast(text, 'ok');
  const [ask, setAsk] = useState<Ask | undefined>();
  const shown: Ask | undefined = p.rollbackTo !== undefined ? { kind: 'rollback', to: p.rollbackTo } : ask;
  const r = p.release;
  const at = { namespace: r.namespace, release: r.name };
  const disabledWhy = !p.info ? 'Asking the host for helm…' : p.info.available ? undefined : p.info.reason;
  const close = () => {
    setAsk(undefined);
    p.onAsked();
  };
  const objects = shown?.kind === 'uninstall' ? manifestObjects(r.manifest) : [];
  return (
    <>
      <button
        data-testid="helm-upgrade"
        disabled={!!disabledWhy || !profile}
        title={disabledWhy ?? `helm upgrade ${r.name} with edited values (chart ${r.chart}-${r.chartVersion} from the release)`}
        onClick={() => setAsk({ kind: 'upgrade' })}
      >
        Upgrade…
      </button>
      {shown?.kind === 'upgrade' && profile && (
        <UpgradeDialog
          release={r}
          onClose={close}
          onUpgrade={async (values) => {
            await p.helm.upgrade(profile, at, values);
            toast(`Upgraded ${r.name} (revision ${r.revision + 1})`);
          }}
        />
      )}
      <button
        className="danger"
        data-testid="helm-uninstall"
        disabled={!!disabledWhy || !profile}
        title={disabledWhy ?? `helm uninstall ${r.name} --namespace ${r.namespace}`}
        onClick={() => setAsk({ kind: 'uninstall' })}
      >
        Uninstall…
      </button>
      {shown?.kind === 'rollback' && profile && (
        <ConfirmDialog
          title={`Roll back ${r.name} to revision ${shown.to}?`}
          confirmLabel={`Roll back to ${shown.to}`}
          onClose={close}
          onConfirm={async () => {
            await p.helm.rollback(profile, at, shown.to);
            toast(`Rolled back ${r.name} to revision ${shown.to}`);
          }}
        >
          <p data-testid="helm-rollback-summary">{rollbackSummary(r.name, r.revision, shown.to)}</p>
        </ConfirmDialog>
      )}
      {shown?.kind === 'uninstall' && profile && (
        <ConfirmDialog
          title={`Uninstall ${r.name}?`}
          confirmLabel="Uninstall"
          danger
          onClose={close}
          onConfirm={async () => {
            await p.helm.uninstall(profile, at);
            toast(`Uninstalled ${r.name}`);
          }}
        >
          <p>
            helm uninstall {r.name} --namespace {r.namespace}: deletes the release's objects and its {p.revisions} revision record
            {p.revisions === 1 ? '' : 's'} (the history goes too).
          </p>
          <ul className="small" data-testid="helm-uninstall-objects">
            {objects.map((o) => (
              <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`}>
                {o.kind} {o.namespace ? `${o.namespace}/` : ''}
                {o.name}
                {o.kept && <span className="muted"> (kept: helm.sh/resource-policy keep)</span>}
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The release's values as YAML to edit; helm upgrade then uses the same chart with these values alone. */
function UpgradeDialog(p: { release: HelmRelease; onClose: () => void; onUpgrade: (values: string) => Promise<void> }) {
  const r = p.release;
  const [text, setText] = useState(() => (Object.keys(r.values).length ? stringify(r.values) : ''));
  return (
    <ConfirmDialog title={`Upgrade ${r.name}?`} confirmLabel="Upgrade" onClose={p.onClose} onConfirm={() => p.onUpgrade(text)}>
      <p className="small">
        helm upgrade {r.name} --namespace {r.namespace} with chart {r.chart}-{r.chartVersion} (as the release records it) and these values
        in place of the current ones; helm records revision {r.revision + 1}.
      </p>
      <textarea
        className="mono"
        data-testid="helm-upgrade-values"
        aria-label={`Values for ${r.name}`}
        rows={12}
        style={{ width: '100%' }}
        spellCheck={false}
        value={text}
        placeholder="# no values set: the chart's defaults"
        onChange={(e) => setText(e.target.value)}
      />
    </ConfirmDialog>
  );
}
