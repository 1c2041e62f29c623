// Subresource requests over HTTP, dispatched through the declared table
// (subresource-table.ts), and the create-only review kinds (SelfSubjectReview, TokenReview, the
// authorization.k8s.io reviews).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef } from '../../kinds/types';
import type { HandlerDeps, Reply } from '../handler-deps';
import { errors } from '../status';
import { readJson } from '../request-decoding';
import { findSubresource } from './subresource-table';

export async function handleSubresource(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  name: string,
  sub: string,
  req: IncomingMessage,
  q: URLSearchParams,
  user: { user: string; groups: string[] },
  res?: ServerResponse,
  request?: import('../admission/admission-request').AdmissionRequest,
): Promise<Reply | undefined> {
  const method = req.method ?? 'GET';
  if (def.virtual) return review(deps, def, ns, req, user);
  const handler = findSubresource(def, sub);
  if (!handler || (handler.methods && !handler.methods.includes(method))) throw errors.notFoundPath();
  return handler.serve({ deps, def, ns, name, q, method, req, res, request });
}

async function review(
  deps: HandlerDeps,
  def: KindDef,
  ns: string | undefined,
  req: IncomingMessage,
  user: { user: string; groups: string[] },
): Promise<Reply> {
  const body = await readJson(req);
  if (def.group === 'authorization.k8s.io' && deps.reviews) {
    const asked = body;
    const errs = def.validate?.(asked) ?? [];
    if (errs.length) throw errors.invalid(def.kind, def.group, asked.metadata?.name ?? '', errs);
    const answer = await deps.reviews(def.kind, asked, user, ns);
    if (answer) return { status: 201, body: answer };
  }
  if (def.kind === 'TokenReview' && deps.tokenReview) return { status: 201, body: await deps.tokenReview(body) };
  if (def.kind === 'SelfSubjectReview') {
    return {
      status: 201,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { creationTimestamp: null },
        status: {
          userInfo: { username: user.user, groups: [...user.groups.filter((g) => g !== 'system:authenticated'), 'system:authenticated'] },
        },
      },
    };
  }
  throw errors.methodNotAllowed();
}
