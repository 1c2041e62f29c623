// The five random characters of generated names (metadata.generateName, the pod's
// kube-api-access-xxxxx volume), from upstream's alphabet: no vowels, no look-alike digits.
// randomInt draws from Node's pooled random bytes; randomBytes would enter the CSPRNG on each
// call, once per pod create.
import { randomInt } from 'node:crypto';

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

export function randomNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameChars[randomInt(nameChars.length)];
  return s;
}
