// @peculiar/x509 pulls in tsyringe, which throws at load time unless a Reflect metadata
// polyfill is already installed; import the library only through this file so the order holds.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
export const subtle = webcrypto.subtle;
