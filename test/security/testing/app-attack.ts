// The attack a page on another origin runs against the app host (issue 12, finding 4): it reads
// document.cookie and sessionStorage, makes credentialed fetches (also with a guessed session
// header), posts a form shaped as JSON, and opens WebSockets to a terminal and an exec.
// Runs inside the attacker's page; returns what each attempt saw.
export const ATTACK = `async (app) => {
  const out = { cookie: document.cookie, storage: sessionStorage.getItem('skiff.session'), fetches: [], sockets: [] };
  for (const [path, init] of [
    ['/api/profiles', { credentials: 'include' }],
    ['/api/clusters', { credentials: 'include' }],
    ['/api/profiles', { credentials: 'include', mode: 'no-cors' }],
    ['/api/profile-sources', { credentials: 'include', mode: 'no-cors', method: 'POST', body: '{"default":true}' }],
    ['/api/profiles', { credentials: 'include', headers: { 'X-Skiff-Session': 'guess' } }],
  ]) {
    try {
      const r = await fetch(app + path, init);
      out.fetches.push({ path, type: r.type, status: r.status, body: r.type === 'opaque' ? '' : await r.text() });
    } catch (e) {
      out.fetches.push({ path, error: String(e) });
    }
  }
  // A form POST (text/plain, shaped as JSON) into a hidden frame: a state change if accepted.
  await new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'sink';
    frame.onload = resolve;
    document.body.appendChild(frame);
    const form = document.createElement('form');
    form.method = 'POST';
    form.enctype = 'text/plain';
    form.target = 'sink';
    form.action = app + '/api/profile-sources';
    const input = document.createElement('input');
    input.name = '{"text":"apiVersion: v1\\\\nkind: Config\\\\ncontexts: [{name: evil, context: {cluster: x, user: y}}]","x":"';
    input.value = '"}';
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
    setTimeout(resolve, 3000);
  });
  const wsBase = app.replace('http', 'ws');
  for (const path of ['/api/terminals/local?profile=victim-ctx&cols=80&rows=24', '/k8s/victim-ctx/api/v1/namespaces/default/pods/p/exec?command=sh']) {
    out.sockets.push(
      await new Promise((resolve) => {
        const ws = new WebSocket(wsBase + path, ['skiff-session.guess']);
        ws.onopen = () => resolve({ path, opened: true });
        ws.onerror = () => resolve({ path, opened: false });
        setTimeout(() => resolve({ path, opened: 'timeout' }), 3000);
      }),
    );
  }
  return out;
}`;

export interface AttackResult {
  cookie: string;
  storage: string | null;
  fetches: { path: string; type?: string; status?: number; body?: string; error?: string }[];
  sockets: { path: string; opened: boolean | string }[];
}
