// Turns `docker save` output into what a registry serves: a schema2 manifest, the config blob
// and gzip layer blobs, all addressed by sha256. Extra files become one more layer on top, so a
// test can push "the same image, changed" under one tag.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readTar, writeTar } from './tar';

export const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG_V1 = 'application/vnd.docker.container.image.v1+json';
const LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface PushedImage {
  manifest: Buffer;
  manifestDigest: string;
  /** Digest → bytes of the config and every layer. */
  blobs: Map<string, Buffer>;
  /** The image ID the engine will show after a pull (the config digest). */
  imageId: string;
}

/** Builds the blobs of an image from a `docker save` tar of exactly one image. */
export function imageFromSave(saved: Buffer, addFiles?: Record<string, string | Buffer>): PushedImage {
  const entries = new Map(readTar(saved).map((e) => [e.name.replace(/^\.\//, ''), e.data]));
  const manifestJson = entries.get('manifest.json');
  if (!manifestJson) throw new Error('docker save output has no manifest.json');
  const [desc] = JSON.parse(manifestJson.toString('utf8'));
  const configRaw = entries.get(desc.Config);
  if (!configRaw) throw new Error(`docker save output lacks its config ${desc.Config}`);
  const layerTars: Buffer[] = desc.Layers.map((p: string) => {
    const t = entries.get(p);
    if (!t) throw new Error(`docker save output lacks layer ${p}`);
    return t;
  });
  let config = configRaw;
  if (addFiles && Object.keys(addFiles).length) {
    const tar = writeTar(addFiles);
    layerTars.push(tar);
    const c = JSON.parse(configRaw.toString('utf8'));
    c.rootfs.diff_ids.push(sha256(tar));
    c.history = [...(c.history ?? []), { created: new Date(0).toISOString(), created_by: 'skiff test registry: added files' }];
    config = Buffer.from(JSON.stringify(c));
  }
  const blobs = new Map<string, Buffer>();
  const configDigest = sha256(config);
  blobs.set(configDigest, config);
  const layers = layerTars.map((t) => {
    const gz = gzipSync(t, { level: 1 });
    const digest = sha256(gz);
    blobs.set(digest, gz);
    return { mediaType: LAYER_GZIP, size: gz.length, digest };
  });
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MANIFEST_V2,
        config: { mediaType: CONFIG_V1, size: config.length, digest: configDigest },
        layers,
      },
      null,
      3,
    ),
  );
  return { manifest, manifestDigest: sha256(manifest), blobs, imageId: configDigest };
}
