// A local image whose default command serves "chart web" over HTTP on port 80: what a `helm create`
// chart needs in place of nginx (no registry is reachable). Committed from the busybox test image.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BUSYBOX_IMAGE, ensureTestImages } from '../images';

const run = promisify(execFile);
const REPOSITORY = 'skiff-test/chart-web';
const TAG = '1';

export async function chartWebImage(): Promise<{ repository: string; tag: string }> {
  const ref = `${REPOSITORY}:${TAG}`;
  const present = await run('docker', ['image', 'inspect', ref]).then(
    () => true,
    () => false,
  );
  if (!present) {
    await ensureTestImages();
    const name = `skiff-chart-web-build-${process.pid}`;
    await run('docker', ['run', '--name', name, BUSYBOX_IMAGE, 'sh', '-c', 'mkdir -p /www && echo chart web > /www/index.html']);
    try {
      await run('docker', ['commit', '--change', 'CMD ["httpd","-f","-p","80","-h","/www"]', '--change', 'EXPOSE 80', name, ref]);
    } finally {
      await run('docker', ['rm', '-f', name]).catch(() => {});
    }
  }
  return { repository: REPOSITORY, tag: TAG };
}
