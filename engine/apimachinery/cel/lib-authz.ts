// Kubernetes' CEL authorizer library (library/authz.go) for ValidatingAdmissionPolicy:
// authorizer.group(g).resource(r)[.subresource(s)][.namespace(n)][.name(x)].check(verb),
// authorizer.path(p).check(verb), authorizer.serviceAccount(ns, name) and
// authorizer.requestResource, giving a decision with allowed(), reason(), errored(), error().
// Decisions come from an oracle; an unknown one suspends evaluation (CelSuspend) so the caller
// can ask the real, asynchronous authorizer and evaluate again.
import { as, perChar, str, type CelLibrary } from './support';
import { CelObject } from './values';

export interface AuthzCheck {
  /** Set for non-resource checks (path(...)). */
  path?: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  verb: string;
  /** Checks made as a ServiceAccount instead of the requesting user. */
  serviceAccount?: { namespace: string; name: string };
}

export interface AuthzAnswer {
  allowed: boolean;
  reason: string;
  error?: string;
}

/** Answers a check, or throws CelSuspend when the answer is not known yet. */
export type AuthzOracle = (c: AuthzCheck) => AuthzAnswer;

type Target = Omit<AuthzCheck, 'verb'>;

/** Upstream's cost of one authorization check (library/cost.go). */
export const AUTHZ_CHECK_COST = 350_000;

export class Authorizer extends CelObject {
  readonly celType = 'kubernetes.authorization.Authorizer';
  constructor(
    readonly oracle: AuthzOracle,
    readonly request?: Target,
    readonly serviceAccount?: { namespace: string; name: string },
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o === this;
  }
  override toString(): string {
    return 'authorizer';
  }
  override field(name: string) {
    return name === 'requestResource' && this.request ? new ResourceCheck(this, this.request) : undefined;
  }
}

class PathCheck extends CelObject {
  readonly celType = 'kubernetes.authorization.PathCheck';
  constructor(
    readonly authz: Authorizer,
    readonly path: string,
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof PathCheck && o.path === this.path;
  }
  override toString(): string {
    return this.path;
  }
}

class GroupCheck extends CelObject {
  readonly celType = 'kubernetes.authorization.GroupCheck';
  constructor(
    readonly authz: Authorizer,
    readonly group: string,
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof GroupCheck && o.group === this.group;
  }
  override toString(): string {
    return this.group;
  }
}

class ResourceCheck extends CelObject {
  readonly celType = 'kubernetes.authorization.ResourceCheck';
  constructor(
    readonly authz: Authorizer,
    readonly t: Target,
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof ResourceCheck && JSON.stringify(o.t) === JSON.stringify(this.t);
  }
  override toString(): string {
    return `${this.t.group}/${this.t.resource}`;
  }
  with(part: Partial<Target>): ResourceCheck {
    return new ResourceCheck(this.authz, { ...this.t, ...part });
  }
}

class Decision extends CelObject {
  readonly celType = 'kubernetes.authorization.Decision';
  constructor(readonly d: AuthzAnswer) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof Decision && o.d.allowed === this.d.allowed && o.d.reason === this.d.reason;
  }
  override toString(): string {
    return this.d.allowed ? 'allowed' : 'denied';
  }
}

const empty: Target = { group: '', resource: '', subresource: '', namespace: '', name: '' };
const AUTHZ = 'kubernetes.authorization.Authorizer';
const RESOURCE = 'kubernetes.authorization.ResourceCheck';

const ask = (authz: Authorizer, target: Target, verb: string) =>
  new Decision(authz.oracle({ ...target, verb, ...(authz.serviceAccount ? { serviceAccount: authz.serviceAccount } : {}) }));

export const authzLibrary: CelLibrary = {
  members: {
    path: { [AUTHZ]: (a) => new PathCheck(as(Authorizer, 'path', a, 0), str('path', a, 1)) },
    group: { [AUTHZ]: (a) => new GroupCheck(as(Authorizer, 'group', a, 0), str('group', a, 1)) },
    serviceAccount: {
      [AUTHZ]: (a) => {
        const z = as(Authorizer, 'serviceAccount', a, 0);
        return new Authorizer(z.oracle, z.request, { namespace: str('serviceAccount', a, 1), name: str('serviceAccount', a, 2) });
      },
    },
    resource: {
      'kubernetes.authorization.GroupCheck': (a) => {
        const g = as(GroupCheck, 'resource', a, 0);
        return new ResourceCheck(g.authz, { ...empty, group: g.group, resource: str('resource', a, 1) });
      },
    },
    subresource: { [RESOURCE]: (a) => as(ResourceCheck, 'subresource', a, 0).with({ subresource: str('subresource', a, 1) }) },
    namespace: { [RESOURCE]: (a) => as(ResourceCheck, 'namespace', a, 0).with({ namespace: str('namespace', a, 1) }) },
    name: { [RESOURCE]: (a) => as(ResourceCheck, 'name', a, 0).with({ name: str('name', a, 1) }) },
    check: {
      [RESOURCE]: (a, c) => {
        c(AUTHZ_CHECK_COST);
        const r = as(ResourceCheck, 'check', a, 0);
        return ask(r.authz, r.t, str('check', a, 1));
      },
      'kubernetes.authorization.PathCheck': (a, c) => {
        c(AUTHZ_CHECK_COST);
        perChar(c, a[1]);
        const p = as(PathCheck, 'check', a, 0);
        return ask(p.authz, { ...empty, path: p.path }, str('check', a, 1));
      },
    },
    allowed: { 'kubernetes.authorization.Decision': (a) => as(Decision, 'allowed', a, 0).d.allowed },
    reason: { 'kubernetes.authorization.Decision': (a) => as(Decision, 'reason', a, 0).d.reason },
    errored: { 'kubernetes.authorization.Decision': (a) => !!as(Decision, 'errored', a, 0).d.error },
    error: { 'kubernetes.authorization.Decision': (a) => as(Decision, 'error', a, 0).d.error ?? '' },
  },
  memberArity: {
    path: [1],
    group: [1],
    serviceAccount: [2],
    resource: [1],
    subresource: [1],
    namespace: [1],
    name: [1],
    check: [1],
    allowed: [0],
    reason: [0],
    errored: [0],
    error: [0],
  },
};
