// The YAML editor for Create (templates) and for existing objects: inline YAML and server
// (strict dry-run) errors, diff against the live object, dry run, apply, and 409 conflicts
// resolved by reloading and diffing without losing the user's text; server-side apply as "skiff",
// its field conflicts listed with a Force option.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { K8sError, errorText } from '../k8s/errors';
import { navSections, resourcePath } from '../k8s/resources';
import type { KubeObject } from '../k8s/types';
import type { EditorRequest } from '../state/types';
import { useApp, useServices } from '../state/services';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CodeView, type CodeHandle } from './code-view';
import { DiffView } from './diff-view';
import { ManifestError, targetOf, toYaml, withResourceVersion, type Target } from './manifest';
import { applyServerSide, submit, type EditorMode } from './submit';
import { conflictDiagnostics, conflictSummary, fieldConflicts, type FieldConflict } from './apply-conflicts';
import { ConflictTable } from './conflict-table';
import { defaultTemplate, skeletonFor, templateFor, templateKinds, type TemplateKind } from './templates';
import { parseManifest, serverDiagnostics, type EditorDiagnostic } from './yaml-errors';
import { createTarget, editorAccessQueries } from './editor-access';
import { guard, useAccessList } from '../state/use-access';

type Choice = TemplateKind | 'skeleton';
const fallbackResources = navSections.flatMap((s) => s.items);

interface Status {
  text: string;
  tone: 'ok' | 'bad' | '';
  source: 'check' | 'action';
}

export function YamlEditor({ request }: { request: EditorRequest }) {
  const services = useServices();
  const client = services.k8s(request.profile);
  const app = useApp((s) => s.app);
  // Until discovery answers, the built-in kinds the sidebar knows are enough to apply.
  const discovered = useApp((s) => s.discovery[request.profile]?.resources);
  const resources = discovered?.length ? discovered : fallbackResources;
  const defaultNs = useApp((s) => s.namespace) || 'default';
  const { closeEditor, setEditorDirty, showList, select, toast } = services.store.getState(); // actions are stable
  const [mode, setMode] = useState<EditorMode>(request.mode);
  const [target, setTarget] = useState<Target | undefined>(
    request.mode === 'edit' && request.resource
      ? { resource: request.resource, namespace: request.namespace ?? '', name: request.name ?? '' }
      : undefined,
  );
  // Kinds without a template (CRDs, the rest) start from a skeleton of the list's kind.
  const own = request.resource && !(templateKinds as readonly string[]).includes(request.resource.kind) ? request.resource : undefined;
  const [template, setTemplate] = useState<Choice>(own ? 'skeleton' : defaultTemplate(request.resource?.kind));
  const makeTemplate = (k: Choice) =>
    k === 'skeleton' && own
      ? skeletonFor(
          own.group ? `${own.group}/${own.version}` : own.version,
          own.kind,
          own.namespaced ? request.namespace || defaultNs : undefined,
        )
      : templateFor(k === 'skeleton' ? 'Deployment' : k, {
          namespace: request.namespace || defaultNs,
          image: app?.defaultImage ?? 'busybox',
        });
  // A draft kept by the host (reload, restart) opens instead of the template or the object.
  const [initial, setInitial] = useState<string | undefined>(
    request.mode === 'create' ? (request.draft ?? makeTemplate(template)) : undefined,
  );
  const [saved, setSaved] = useState(request.mode === 'create' ? makeTemplate(template) : '');
  const [text, setText] = useState(initial ?? '');
  const [liveYaml, setLiveYaml] = useState('');
  const [openedRv, setOpenedRv] = useState('');
  const [loadError, setLoadError] = useState<unknown>();
  const [yamlErrors, setYamlErrors] = useState<EditorDiagnostic[]>([]);
  const [serverErrors, setServerErrors] = useState<EditorDiagnostic[]>([]);
  const [status, setStatus] = useState<Status>({ text: '', tone: '', source: 'check' });
  const [diff, setDiff] = useState<{ original: string; label: string } | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ownership, setOwnership] = useState<FieldConflict[] | undefined>();
  const [ask, setAsk] = useState<'' | 'close' | 'template'>('');
  const [pendingTemplate, setPendingTemplate] = useState<Choice>('Deployment');
  const handle = useRef<CodeHandle | null>(null);
  const seq = useRef(0);
  /** The text the last Apply was made with: a check of that same text must not hide the Apply's answer. */
  const actionText = useRef<string | undefined>(undefined);
  const dirty = text !== saved;
  // RBAC: Apply and server-side apply are disabled with the reason when the identity may not.
  const newTarget = useMemo(
    () => (mode === 'create' ? createTarget(text, resources, defaultNs) : undefined),
    [mode, text, resources, defaultNs],
  );
  const [applyAccess, ssaAccess] = useAccessList(editorAccessQueries(mode, mode === 'create' ? newTarget : target));
  const refused = applyAccess && !applyAccess.allowed ? applyAccess.reason : undefined;

  // Existing object: load it once.
  useEffect(() => {
    if (request.mode !== 'edit' || !target) return;
    client
      .getJson<KubeObject>(resourcePath(target.resource, target.namespace, target.name), { what: `${target.resource.kind} ${target.name}` })
      .then((obj) => {
        const y = toYaml(obj);
        setInitial(request.draft ?? y);
        setSaved(y);
        setText(request.draft ?? y);
        setLiveYaml(y);
        setOpenedRv(obj.metadata.resourceVersion ?? '');
      }, setLoadError);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- loads the object once, when the editor opens
  useEffect(() => setEditorDirty(dirty), [dirty, setEditorDirty]);
  // The host keeps unapplied text (saved within a moment of each keystroke): nothing typed is lost.
  useEffect(() => {
    if (initial !== undefined) services.store.getState().setEditorDraft(dirty ? text : undefined);
  }, [initial, dirty, text, services]);

  const replaceText = (t: string) => {
    handle.current?.setText(t);
    setText(t);
  };

  /** Parses and resolves the text; reports YAML and manifest errors. */
  const prepare = useCallback(
    (t: string): { tgt: Target; body: Record<string, any>; doc: ReturnType<typeof parseManifest>['doc'] } | null => {
      const parsed = parseManifest(t);
      setYamlErrors(parsed.errors);
      if (parsed.errors.length) {
        const e = parsed.errors[0];
        setServerErrors([]);
        setStatus({ text: `YAML error on line ${e.line}, column ${e.column}: ${e.message}`, tone: 'bad', source: 'check' });
        return null;
      }
      const body = parsed.value as Record<string, any>;
      try {
        const tgt = mode === 'edit' && target ? target : targetOf(body, resources, defaultNs);
        if (mode === 'edit' && openedRv && !body.metadata?.resourceVersion) body.metadata = { ...body.metadata, resourceVersion: openedRv };
        return { tgt, body, doc: parsed.doc };
      } catch (e) {
        const field = e instanceof ManifestError ? e.field : undefined;
        setServerErrors(
          serverDiagnostics(
            t,
            new K8sError((e as Error).message, 400, 'Invalid', '', [{ field, message: (e as Error).message }]),
            parsed.doc,
          ),
        );
        setStatus({ text: (e as Error).message, tone: 'bad', source: 'check' });
        return null;
      }
    },
    [mode, target, resources, defaultNs, openedRv],
  );

  const reportServerError = (t: string, e: unknown, doc: ReturnType<typeof parseManifest>['doc']) => {
    if (e instanceof K8sError) {
      if (e.code === 409 && mode === 'edit') setConflict(true);
      const diags =
        e.code === 409 && mode === 'create'
          ? serverDiagnostics(t, new K8sError(e.message, 409, e.reason, '', [{ field: 'metadata.name', message: e.message }]), doc)
          : serverDiagnostics(t, e, doc);
      setServerErrors(diags);
    }
    setStatus({
      text:
        e instanceof K8sError && e.code === 409 && mode === 'edit'
          ? `Conflict: ${target?.resource.kind} ${target?.name} changed since you opened it. Reload and merge to see the differences; your text stays.`
          : errorText(e),
      tone: 'bad',
      source: 'check',
    });
  };

  const check = useCallback(
    async (t: string, explicit: boolean) => {
      const n = ++seq.current;
      const p = prepare(t);
      if (!p) return;
      // The as-you-type check validates the text; whether the object moved on since (a
      // controller writing its status) is Apply's question, so it sends no resourceVersion.
      const meta = p.body.metadata as { resourceVersion?: string } | undefined;
      if (!explicit && mode === 'edit' && meta) delete meta.resourceVersion;
      try {
        await submit(client, p.tgt, p.body, mode, true);
        if (n !== seq.current) return;
        setServerErrors([]);
        if (explicit)
          setStatus({
            text: `Dry run passed: the server accepts ${p.tgt.resource.kind.toLowerCase()} ${p.tgt.name}.`,
            tone: 'ok',
            source: 'action',
          });
        else
          setStatus((s) =>
            s.source === 'action' && (s.tone === 'ok' || t === actionText.current)
              ? s
              : { text: 'No errors (checked by a server dry run).', tone: '', source: 'check' },
          );
      } catch (e) {
        if (n === seq.current) reportServerError(t, e, p.doc);
      }
    },
    [prepare, client, mode],
  ); // eslint-disable-line react-hooks/exhaustive-deps -- reads the latest text through refs; a new callback per keystroke would restart the debounce

  // Validate as the user types (debounced): YAML at once, the server after 400 ms.
  useEffect(() => {
    if (initial === undefined) return;
    const parsed = parseManifest(text);
    setYamlErrors(parsed.errors);
    // The server's own answer (just loaded or applied) needs no check.
    if (text === saved && mode === 'edit') {
      seq.current++;
      setServerErrors([]);
      return;
    }
    const t = setTimeout(() => check(text, false), 400);
    return () => clearTimeout(t);
  }, [text, initial, check, saved, mode]);

  const applied = (out: KubeObject, tgt: Target, how: string) => {
    const kind = tgt.resource.kind.toLowerCase();
    const msg = `${mode === 'create' ? 'Created' : how} ${kind} ${tgt.name}`;
    const y = toYaml(out);
    setSaved(y);
    setLiveYaml(y);
    setOpenedRv(out.metadata?.resourceVersion ?? '');
    replaceText(y);
    setServerErrors([]);
    setConflict(false);
    setOwnership(undefined);
    setDiff(null);
    setStatus({ text: msg, tone: 'ok', source: 'action' });
    toast(msg);
    if (mode === 'create') {
      setMode('edit');
      setTarget(tgt);
      showList(tgt.resource, true);
      select({ resource: tgt.resource, namespace: tgt.namespace, name: tgt.name });
    }
  };

  const apply = async () => {
    const p = prepare(text);
    if (!p) return;
    setBusy(true);
    seq.current++;
    actionText.current = text;
    try {
      applied(await submit(client, p.tgt, p.body, mode, false), p.tgt, 'Updated');
    } catch (e) {
      reportServerError(text, e, p.doc);
    } finally {
      setBusy(false);
    }
  };

  /** Server-side apply: merges the text into the live object; conflicts are shown with Force. */
  const applySsa = async (force: boolean) => {
    const p = prepare(text);
    if (!p) return;
    setBusy(true);
    seq.current++;
    actionText.current = text;
    try {
      applied(await applyServerSide(client, p.tgt, p.body, { force }), p.tgt, force ? 'Force-applied' : 'Server-side applied');
    } catch (e) {
      const conflicts = fieldConflicts(e);
      setOwnership(conflicts);
      if (conflicts && p.doc) {
        setServerErrors(conflictDiagnostics(text, p.doc, conflicts));
        setStatus({ text: conflictSummary(conflicts), tone: 'bad', source: 'action' });
      } else reportServerError(text, e, p.doc);
    } finally {
      setBusy(false);
    }
  };

  const fetchLive = async () => {
    if (!target) return undefined;
    const obj = await client.getJson<KubeObject>(resourcePath(target.resource, target.namespace, target.name), {
      what: `${target.resource.kind} ${target.name}`,
    });
    return obj;
  };

  const toggleDiff = async () => {
    if (diff) return setDiff(null);
    if (mode === 'create') return setDiff({ original: '', label: 'nothing (new object)' });
    try {
      const obj = await fetchLive();
      const y = toYaml(obj);
      setDiff({ original: y, label: 'live object' });
    } catch (e) {
      setDiff({ original: liveYaml, label: `live object as opened (reload failed: ${errorText(e)})` });
    }
  };

  const reloadAndMerge = async () => {
    try {
      const obj = await fetchLive();
      if (!obj) return;
      const y = toYaml(obj);
      const rv = obj.metadata.resourceVersion ?? '';
      setLiveYaml(y);
      setOpenedRv(rv);
      const mine = withResourceVersion(handle.current?.getText() ?? text, rv);
      replaceText(mine);
      setConflict(false);
      setServerErrors([]);
      setDiff({ original: y, label: 'live object (reloaded)' });
      setStatus({
        text: 'Reloaded the live object: the diff shows your text against it. Your text is kept; Apply saves your version over it.',
        tone: 'ok',
        source: 'action',
      });
    } catch (e) {
      setStatus({ text: `Could not reload: ${errorText(e)}`, tone: 'bad', source: 'action' });
    }
  };

  const chooseTemplate = (k: Choice) => {
    if (dirty && text !== makeTemplate(template)) {
      setPendingTemplate(k);
      setAsk('template');
      return;
    }
    setTemplate(k);
    const t = makeTemplate(k);
    replaceText(t);
    setSaved(t);
  };

  const close = () => (dirty ? setAsk('close') : closeEditor());
  const errors = [...yamlErrors, ...serverErrors];
  const title =
    mode === 'create' ? 'Create' : `Edit ${target?.resource.kind} ${target?.namespace ? target.namespace + '/' : ''}${target?.name}`;

  return (
    <div className="editor-overlay" data-testid="yaml-editor" data-mode={mode}>
      <div className="editor-head">
        <h2>{title}</h2>
        {mode === 'create' && (
          <select
            data-testid="template-picker"
            aria-label="Template"
            value={template}
            onChange={(e) => chooseTemplate(e.target.value as Choice)}
          >
            {own && <option value="skeleton">{own.kind}</option>}
            {templateKinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        )}
        {dirty && <span className="tag">unapplied changes</span>}
        <span className="spacer" />
        {conflict && (
          <button data-testid="reload-merge" onClick={reloadAndMerge}>
            Reload and merge
          </button>
        )}
        <button data-testid="diff-button" onClick={toggleDiff} aria-pressed={!!diff}>
          {diff ? 'Hide diff' : 'Diff'}
        </button>
        <button data-testid="dry-run-button" onClick={() => check(text, true)} disabled={busy}>
          Dry run
        </button>
        {ownership && (
          <button data-testid="ssa-force" className="danger" onClick={() => void applySsa(true)} {...guard(ssaAccess, { disabled: busy })}>
            Force apply
          </button>
        )}
        {refused && (
          <span className="small muted" data-testid="editor-rbac" role="note">
            Read-only: {refused}
          </span>
        )}
        <button
          data-testid="ssa-button"
          onClick={() => void applySsa(false)}
          {...guard(ssaAccess, { disabled: busy || initial === undefined, title: 'Server-side apply as field manager “skiff”' })}
        >
          Server-side apply
        </button>
        <button
          data-testid="apply-button"
          className="primary"
          onClick={apply}
          {...guard(applyAccess, { disabled: busy || initial === undefined })}
        >
          {busy ? 'Applying…' : mode === 'create' ? 'Create' : 'Apply'}
        </button>
        <button data-testid="editor-close" className="ghost" aria-label="Close editor" onClick={close}>
          ×
        </button>
      </div>
      <div className="editor-body">
        {initial === undefined ? (
          <div className="page">{loadError ? <div className="notice bad">{errorText(loadError)}</div> : 'Loading…'}</div>
        ) : (
          <CodeView
            initialText={initial}
            diagnostics={errors}
            onChange={setText}
            handle={handle}
            testId="code-editor"
            label="YAML manifest"
          />
        )}
        {diff && <DiffView original={diff.original} modified={text} originalLabel={diff.label} />}
      </div>
      {errors.length > 0 && (
        <ul className="editor-errors" data-testid="editor-errors">
          {errors.map((e, i) => (
            <li key={i} data-testid="editor-error" data-line={e.line}>
              Line {e.line}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {ownership && <ConflictTable conflicts={ownership} />}
      <div className={`editor-status ${status.tone}`} data-testid="editor-status" role="status">
        {status.text || (dirty ? 'Not applied yet.' : '')}
      </div>
      {ask === 'close' && (
        <ConfirmDialog title="Discard unapplied changes?" confirmLabel="Discard" danger onClose={() => setAsk('')} onConfirm={closeEditor}>
          Your edits have not been applied to the cluster. Closing the editor throws them away.
        </ConfirmDialog>
      )}
      {ask === 'template' && (
        <ConfirmDialog
          title={`Replace your text with the ${pendingTemplate === 'skeleton' ? own?.kind : pendingTemplate} template?`}
          confirmLabel="Replace"
          onClose={() => setAsk('')}
          onConfirm={() => {
            setTemplate(pendingTemplate);
            const t = makeTemplate(pendingTemplate);
            replaceText(t);
            setSaved(t);
          }}
        >
          The editor holds text you changed; the template replaces it.
        </ConfirmDialog>
      )}
    </div>
  );
}
