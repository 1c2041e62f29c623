// The audit log's request side: for each request the policy selects, audit.k8s.io/v1 Events
// (RequestReceived, ResponseStarted for long-running requests, ResponseComplete) as JSON
// lines to a sink. Secrets, service-account tokens and token reviews never go above Metadata
// whatever the policy says: their bodies are credentials. With no auditor configured the
// server calls nothing here (the request path pays one `undefined` check).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { UserInfo } from '../../apimachinery/user-info';
import { requestAttributes, type Attributes } from '../authz/request-info';
import { decodeBody, mediaType, tapBody } from '../body';
import { isLongRunning } from '../inflight-limit';
import { auditDecision, type AuditLevel, type AuditPolicy, type AuditStage } from './audit-policy';

export interface AuditSink {
  write(line: string): void;
}

export interface AuditRecord {
  /** The user the request acts as after impersonation (logged as impersonatedUser when it differs). */
  actingAs(user: UserInfo): void;
  /** The authorization decision (annotation authorization.k8s.io/decision). */
  decided(allowed: boolean): void;
}

export interface Auditor {
  /** After authentication (user undefined: it failed). Undefined when the policy logs nothing for it. */
  request(req: IncomingMessage, res: ServerResponse, url: Url, user: UserInfo | undefined): AuditRecord | undefined;
  /** exec, attach and port-forward: ResponseStarted (101) once upgraded, ResponseComplete when the stream ends. */
  upgrade(req: IncomingMessage, socket: Socket, url: Url, user: UserInfo | undefined): (AuditRecord & UpgradeRecord) | undefined;
}

export interface UpgradeRecord {
  upgraded(): void;
  refused(code: number, status?: unknown): void;
}

type Url = { pathname: string; searchParams: URLSearchParams };

/** Bodies larger than this are left out of Request/RequestResponse events. */
const MAX_LOGGED_BODY = 256 * 1024;
const ANONYMOUS: UserInfo = { user: 'system:anonymous', groups: ['system:unauthenticated'] };
const RANK: Record<AuditLevel, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/** Whose request and response bodies are credentials. */
function sensitive(a: Attributes): boolean {
  if (!a.resourceRequest) return false;
  if (a.apiGroup === '' && (a.resource === 'secrets' || (a.resource === 'serviceaccounts' && a.subresource === 'token'))) return true;
  return a.apiGroup === 'authentication.k8s.io' && (a.resource === 'tokenreviews' || a.resource === 'selfsubjectreviews');
}

export function createAuditor(policy: AuditPolicy, sink: AuditSink): Auditor {
  function start(req: IncomingMessage, url: Url, user: UserInfo | undefined) {
    const who = user ?? ANONYMOUS;
    const a = requestAttributes(who, req.method ?? 'GET', url.pathname, url.searchParams);
    const d = auditDecision(policy, a);
    if (d.level === 'None') return undefined;
    const level: AuditLevel = sensitive(a) && RANK[d.level] > RANK.Metadata ? 'Metadata' : d.level;
    const received = timestamp();
    const base: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: randomUUID(),
      stage: '',
      requestURI: req.url ?? '/',
      verb: a.verb,
      user: userOf(who),
      sourceIPs: [req.socket?.remoteAddress ?? ''],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      ...(a.resourceRequest ? { objectRef: objectRef(a) } : {}),
    };
    // As asked for: authorization removes the headers, and a refused request never gets an actor.
    const asUser = req.headers['impersonate-user'];
    if (typeof asUser === 'string' && asUser)
      base.impersonatedUser = { username: asUser, groups: req.headersDistinct['impersonate-group'] ?? [] };
    const annotations: Record<string, string> = {};
    const emit = (stage: AuditStage, extra: Record<string, unknown> = {}) => {
      if (d.omitStages.has(stage)) return;
      const ev = { ...base, stage, ...extra, requestReceivedTimestamp: received, stageTimestamp: timestamp() };
      if (Object.keys(annotations).length) (ev as Record<string, unknown>).annotations = annotations;
      sink.write(JSON.stringify(ev));
    };
    const record: AuditRecord = {
      actingAs(actor) {
        if (actor.user !== who.user || actor.groups.join() !== who.groups.join()) base.impersonatedUser = userOf(actor);
      },
      decided(allowed) {
        annotations['authorization.k8s.io/decision'] = allowed ? 'allow' : 'forbid';
      },
    };
    // The request body, as the handler reads it (no second read of the stream).
    let requestObject: unknown;
    if (RANK[level] >= RANK.Request)
      tapBody(req, (buf) => {
        if (buf.length <= MAX_LOGGED_BODY) requestObject = decoded(buf, mediaType(req));
      });
    const bodies = () => (requestObject !== undefined ? { requestObject } : {});
    return { level, a, emit, record, base, bodies };
  }

  return {
    request(req, res, url, user) {
      const s = start(req, url, user);
      if (!s) return undefined;
      res.setHeader('Audit-ID', s.base.auditID as string);
      s.emit('RequestReceived');
      const longRunning = isLongRunning(url.pathname, url.searchParams, s.a.subresource || undefined);
      // Kept only when it may be logged: the whole response at RequestResponse, an error's Status always.
      const chunks: Buffer[] = [];
      let size = 0;
      const keep = (chunk: unknown) => {
        if (longRunning || chunk === undefined || chunk === null || typeof chunk === 'function') return;
        if (s.level !== 'RequestResponse' && res.statusCode < 400) return;
        const b = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : undefined;
        if (!b) return;
        size += b.length;
        if (size <= MAX_LOGGED_BODY) chunks.push(b);
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return end(chunk, ...rest);
      }) as typeof res.end;
      if (longRunning) {
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
        res.writeHead = (...args: unknown[]) => {
          const r = writeHead(...args);
          s.emit('ResponseStarted', { responseStatus: { metadata: {}, code: res.statusCode } });
          return r;
        };
      }
      let done = false;
      const complete = () => {
        if (done) return;
        done = true;
        const body = size > 0 && size <= MAX_LOGGED_BODY ? decoded(Buffer.concat(chunks), 'application/json') : undefined;
        const failed = res.statusCode >= 400 && isStatus(body);
        s.emit('ResponseComplete', {
          responseStatus: failed ? { ...statusFields(body), code: res.statusCode } : { metadata: {}, code: res.statusCode },
          ...s.bodies(),
          ...(s.level === 'RequestResponse' && body !== undefined ? { responseObject: body } : {}),
        });
      };
      res.once('finish', complete);
      res.once('close', complete);
      return s.record;
    },
    upgrade(req, socket, url, user) {
      const s = start(req, url, user);
      if (!s) return undefined;
      s.emit('RequestReceived');
      let state: 'waiting' | 'open' | 'done' = 'waiting';
      return {
        ...s.record,
        upgraded() {
          if (state !== 'waiting') return;
          state = 'open';
          s.emit('ResponseStarted', { responseStatus: { metadata: {}, code: 101 } });
          socket.once('close', () => s.emit('ResponseComplete', { responseStatus: { metadata: {}, code: 101 } }));
        },
        refused(code, status) {
          if (state !== 'waiting') return;
          state = 'done';
          s.emit('ResponseComplete', { responseStatus: isStatus(status) ? { ...statusFields(status), code } : { metadata: {}, code } });
        },
      };
    },
  };
}

function decoded(buf: Buffer, type: string): unknown {
  try {
    return decodeBody(buf, type);
  } catch {
    return undefined; // not an object (or malformed): the event carries the metadata only
  }
}

function isStatus(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'Status';
}

function statusFields(s: Record<string, unknown>) {
  return {
    metadata: {},
    ...(s.status ? { status: s.status } : {}),
    ...(s.message ? { message: s.message } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  };
}

function userOf(u: UserInfo) {
  return { username: u.user, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) };
}

function objectRef(a: Attributes) {
  return {
    resource: a.resource,
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.name ? { name: a.name } : {}),
    apiGroup: a.apiGroup,
    apiVersion: a.apiVersion,
    ...(a.subresource ? { subresource: a.subresource } : {}),
  };
}

/** RFC 3339 with microseconds, as upstream's MicroTime. */
function timestamp(): string {
  return `${new Date().toISOString().slice(0, -1)}000Z`;
}
