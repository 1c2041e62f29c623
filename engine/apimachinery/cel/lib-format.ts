// Kubernetes' CEL format library (library/format.go): format.named(name) and format.<name>()
// give a named string format whose validate(s) is optional.none() when s is valid, else the
// list of upstream's messages — the same rules the API applies to names and labels.
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  validateName,
} from '../validation-strings';
import { parseUrl } from './url-parse';
import { as, perChar, str, type CelLibrary, type Fn } from './support';
import { CelObject, CelOptional } from './values';

export class Format extends CelObject {
  readonly celType = 'kubernetes.NamedFormat';
  constructor(
    readonly name: string,
    readonly validate: (s: string) => string[],
  ) {
    super();
  }
  equals(o: CelObject): boolean {
    return o instanceof Format && o.name === this.name;
  }
  override toString(): string {
    return this.name;
  }
}

const one = (ok: boolean, msg: string) => (ok ? [] : [msg]);
const UUID = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y);
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && isDate(+m[1], +m[2], +m[3]);
}
function validDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))?$/.exec(s);
  return !!m && validDate(m[1]) && +m[2] < 24 && +m[3] < 60 && +m[4] < 60 && +(m[5] ?? 0) < 24 && +(m[6] ?? 0) < 60;
}
function uriProblems(s: string): string[] {
  try {
    parseUrl(s, true);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

export const FORMATS: Record<string, Format> = {
  dns1123Label: new Format('DNS1123Label', isDNS1123Label),
  dns1123Subdomain: new Format('DNS1123Subdomain', isDNS1123Subdomain),
  dns1035Label: new Format('DNS1035Label', isDNS1035Label),
  qualifiedName: new Format('QualifiedName', isQualifiedName),
  dns1123LabelPrefix: new Format('DNS1123LabelPrefix', (s) => validateName(s, 'label', true)),
  dns1123SubdomainPrefix: new Format('DNS1123SubdomainPrefix', (s) => validateName(s, 'subdomain', true)),
  dns1035LabelPrefix: new Format('DNS1035LabelPrefix', (s) => validateName(s, 'dns1035-label', true)),
  labelValue: new Format('LabelValue', isValidLabelValue),
  uri: new Format('URI', uriProblems),
  uuid: new Format('uuid', (s) => one(UUID.test(s), 'does not match the UUID format')),
  byte: new Format('byte', (s) => one(BASE64.test(s), 'invalid base64')),
  date: new Format('date', (s) => one(validDate(s), 'invalid date')),
  datetime: new Format('datetime', (s) => one(validDateTime(s), 'invalid datetime')),
};

const constants: Record<string, Fn> = Object.fromEntries(Object.entries(FORMATS).map(([k, f]) => [`format.${k}`, () => f]));

export const formatLibrary: CelLibrary = {
  globals: {
    ...constants,
    'format.named': (a) => {
      const name = str('format.named', a, 0);
      return new CelOptional(Object.prototype.hasOwnProperty.call(FORMATS, name) ? FORMATS[name] : undefined);
    },
  },
  globalArity: { ...Object.fromEntries(Object.keys(constants).map((k) => [k, [0]])), 'format.named': [1] },
  members: {
    validate: {
      'kubernetes.NamedFormat': (a, c) => {
        const f = as(Format, 'validate', a, 0);
        const s = str('validate', a, 1);
        perChar(c, s);
        const problems = f.validate(s);
        return new CelOptional(problems.length ? problems : undefined);
      },
    },
  },
  memberArity: { validate: [1] },
};
