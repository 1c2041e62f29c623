// Core-group subresources of single resources: namespaces/finalize (serviceaccounts/token: token-request.ts).
import type { SubresourceHandler } from '../handler-deps';
import { readJson } from '../request-decoding';
import { isDryRun } from '../request-options';

/** namespaces/finalize: replaces spec.finalizers (what the namespace controller does when it has emptied one). */
export const namespaceFinalize: SubresourceHandler = {
  methods: ['PUT'],
  async serve({ deps, def, name, req, q }) {
    const body = await readJson(req);
    const updated = await deps.resources.mutate(
      def,
      undefined,
      name,
      (cur) => {
        cur.spec = { ...(cur.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
        return cur;
      },
      { dryRun: isDryRun(q), subresource: 'finalize' },
    );
    return { status: 200, body: updated };
  },
};
