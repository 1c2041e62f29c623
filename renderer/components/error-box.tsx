// An error with what to do about it (the hint of a K8sError/HostRequestError on its own line).
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error as { message?: string; hint?: string };
  const message = e?.message ?? String(error);
  return (
    <div className="error-box" role="alert" data-testid="error">
      <div>
        {title ? <strong>{title}: </strong> : null}
        {message}
      </div>
      {e?.hint && <div className="hint">{e.hint}</div>}
    </div>
  );
}
