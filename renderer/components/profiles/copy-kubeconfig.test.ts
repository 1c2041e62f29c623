import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyKubeconfig, type ClipboardWindow } from './copy-kubeconfig';

function fakeWindow(clipboard?: (t: string) => Promise<void>) {
  const clicked: Array<{ href: string; download: string }> = [];
  const win = {
    navigator: clipboard ? { clipboard: { writeText: clipboard } } : {},
    document: {
      createElement: () => {
        const a = {
          href: '',
          download: '',
          click() {
            clicked.push({ href: a.href, download: a.download });
          },
          remove() {},
        };
        return a;
      },
      body: { appendChild() {} },
    },
    URL: { createObjectURL: () => 'blob:1', revokeObjectURL() {} },
    setTimeout: () => 0,
  } as unknown as ClipboardWindow;
  return { win, clicked };
}

const host = { profileKubeconfig: async (name: string) => `current-context: ${name}\n` };

test('the kubeconfig goes to the clipboard when it can be written', async () => {
  const written: string[] = [];
  const { win, clicked } = fakeWindow(async (t) => {
    written.push(t);
  });
  assert.equal(await copyKubeconfig(host, 'team/a', win), 'copied');
  assert.deepEqual(written, ['current-context: team/a\n']);
  assert.equal(clicked.length, 0);
});

test('without the clipboard (or when it refuses) it is saved as a file named after the profile', async () => {
  const refused = fakeWindow(async () => {
    throw new Error('NotAllowedError');
  });
  assert.equal(await copyKubeconfig(host, 'team/a:b', refused.win), 'downloaded');
  assert.deepEqual(refused.clicked, [{ href: 'blob:1', download: 'team_a_b.kubeconfig' }]);
  const none = fakeWindow();
  assert.equal(await copyKubeconfig(host, 'p', none.win), 'downloaded');
});
