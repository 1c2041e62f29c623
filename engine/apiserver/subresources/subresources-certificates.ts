// certificatesigningrequests/approval: approving or denying a CSR changes only its conditions
// (kubectl certificate approve|deny reads the CSR and PUTs it here). The signed certificate
// goes through /status, whose strategy keeps the approval conditions (kinds-certificates.ts).
import type { KubeObject } from '../../kinds/types';
import type { SubresourceHandler } from '../handler-deps';
import { errors } from '../status';
import { readJson, readPatch } from '../request-decoding';
import { isDryRun } from '../request-options';
import { fieldManagerOf } from '../apply-handler';

export const csrApproval: SubresourceHandler = {
  methods: ['GET', 'PUT', 'PATCH'],
  async serve({ deps, def, name, req, q, method, request }) {
    const opts = { dryRun: isDryRun(q), subresource: 'approval' as const, request };
    if (method === 'GET') return { status: 200, body: await deps.resources.get(def, undefined, name) };
    if (method === 'PUT') {
      const body = await readJson(req);
      const rv = body.metadata?.resourceVersion;
      const fieldManager = fieldManagerOf(req, q, 'UpdateOptions');
      return {
        status: 200,
        body: await deps.resources.mutate(def, undefined, name, () => body, { ...opts, fieldManager }, rv || undefined),
      };
    }
    if (method === 'PATCH') {
      const p = await readPatch(req, def);
      const fieldManager = fieldManagerOf(req, q, 'PatchOptions');
      const change = (cur: KubeObject) => deps.applyPatch(p.type, cur, p.body, deps.schemaOf(def.model));
      return { status: 200, body: await deps.resources.mutate(def, undefined, name, change, { ...opts, fieldManager }) };
    }
    throw errors.methodNotAllowed();
  },
};
