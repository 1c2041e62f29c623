import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNamespaceList } from './allowed-namespaces';
import { importedText, importFiles } from './import-files';
import { importRequest, type ImportForm } from './import-request';

const form = (over: Partial<ImportForm>): ImportForm => ({ tab: 'path', path: '', copy: false, text: '', label: '', ...over });

test('the import form becomes the host request, or a message saying what to fix', () => {
  assert.deepEqual(importRequest(form({ path: ' /k/config ' })), { req: { path: '/k/config' } });
  assert.deepEqual(importRequest(form({ path: '/k/config', copy: true })), { req: { path: '/k/config', copy: true } });
  assert.match((importRequest(form({ path: '~/.kube/config' })) as { problem: string }).problem, /full path/);
  assert.match((importRequest(form({ path: 'config' })) as { problem: string }).problem, /not an absolute path/);
  assert.match((importRequest(form({})) as { problem: string }).problem, /Type the path/);
  assert.deepEqual(importRequest(form({ tab: 'paste', text: 'kind: Config', label: ' ci ' })), {
    req: { text: 'kind: Config', label: 'ci' },
  });
  assert.match((importRequest(form({ tab: 'paste', text: '  ' })) as { problem: string }).problem, /Paste/);
});

test('dropped files are sent as text with their names; failures name the file and keep going', async () => {
  const sent: unknown[] = [];
  const host = {
    addProfileSource: async (req: any) => {
      sent.push(req);
      if (req.label === 'bad.yaml')
        throw Object.assign(new Error('cannot import pasted text: not valid YAML'), { hint: 'pick a kubeconfig' });
      return {
        id: 'p1',
        kind: 'paste' as const,
        label: `pasted: ${req.label}`,
        paths: [],
        watched: false,
        encrypted: true,
        profiles: ['a', 'b'],
        hidden: [],
        errors: [],
        notes: [],
      };
    },
  };
  const file = (name: string, text: string, size = text.length) => ({ name, size, text: async () => text });
  const r = await importFiles(host, [file('bad.yaml', 'x: ['), file('huge', '', 5 << 20), file('ok.yaml', 'kind: Config')]);
  assert.deepEqual(sent, [
    { text: 'x: [', label: 'bad.yaml' },
    { text: 'kind: Config', label: 'ok.yaml' },
  ]);
  assert.equal(r.imported.length, 1);
  assert.deepEqual(r.failed, [
    'bad.yaml: cannot import pasted text: not valid YAML — pick a kubeconfig',
    'huge: larger than 4 MiB, not a kubeconfig?',
  ]);
  assert.equal(importedText(r.imported[0]), 'Imported 2 profiles (a, b) from pasted: ok.yaml (stored in Skiff, encrypted)');
});

test('allowed namespaces: split on spaces, commas and lines; bad names are named', () => {
  assert.deepEqual(parseNamespaceList('team-a, team-b\nteam-a  '), { namespaces: ['team-a', 'team-b'] });
  assert.deepEqual(parseNamespaceList(''), { namespaces: [] });
  assert.match((parseNamespaceList('ok Bad_One') as { problem: string }).problem, /"Bad_One" is not a namespace name/);
});
