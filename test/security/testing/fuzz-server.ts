// A child process serving the API fixture for the fuzzers: a crash is its exit, seen from outside.
// Prints one JSON line (url and admin credentials), logs the server's lines to stderr, stops on SIGTERM.
import { startApiFixture } from '../../integration/api-fixture';

const f = await startApiFixture({ log: (line) => process.stderr.write(line + '\n') });
process.stdout.write(JSON.stringify({ url: f.server.url, ca: f.pki.caCert, cert: f.pki.adminCert, key: f.pki.adminKey }) + '\n');
process.on('SIGTERM', () => {
  void f.close().finally(() => process.exit(0));
});
