// NodeStreams over Docker: logs (demultiplexed unless TTY), exec and attach over hijacked
// connections, and port-forward (docker-port-forward.ts).
import type Docker from 'dockerode';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { KubeObject } from '../../kinds/types';
import type { ExecSession, LogOptions, NodeStreams } from '../../client/node-streams';
import { L, clusterFilter, ownedBy, type ClusterKey } from '../../docker/names';
import { createDockerPortForward } from './docker-port-forward';
import { dockerEndpoint, sayDockerDown } from '../../docker/docker-down';

export interface DockerStreamsDeps {
  docker: Docker;
  cluster: ClusterKey;
  node: string;
}

export function createDockerStreams(d: DockerStreamsDeps): NodeStreams {
  const s = dockerStreams(d);
  // kubectl logs/exec/attach/port-forward while Docker is down: say so, not "connect ENOENT".
  const said = (e: unknown): never => {
    throw sayDockerDown(e, dockerEndpoint(d.docker));
  };
  return {
    logs: (pod, container, opts) => s.logs(pod, container, opts).catch(said),
    exec: (pod, container, opts) => s.exec(pod, container, opts).catch(said),
    attach: (pod, container, opts) => s.attach(pod, container, opts).catch(said),
    portForward: (pod, port) => s.portForward(pod, port).catch(said),
  };
}

function dockerStreams(d: DockerStreamsDeps): NodeStreams {
  const { docker } = d;

  /** The pod's containers named `name`, newest attempt first. */
  async function attempts(pod: KubeObject, name: string) {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [...clusterFilter(d.cluster), `${L.podUid}=${pod.metadata.uid}`, `${L.container}=${name}`] },
    });
    return list.filter((c) => ownedBy(d.cluster, c.Labels)).sort((a, b) => Number(b.Labels[L.attempt]) - Number(a.Labels[L.attempt]));
  }

  async function pick(pod: KubeObject, name: string, previous = false) {
    const list = await attempts(pod, name);
    const c = previous ? list[1] : list[0]; // previous: the attempt before the current one
    if (!c) {
      const what = previous ? `previous terminated container "${name}"` : `container "${name}"`;
      throw Object.assign(new Error(`${what} in pod "${pod.metadata.name}" not found`), { code: 400 });
    }
    return c;
  }

  function demux(raw: NodeJS.ReadableStream, tty: boolean): { stdout: PassThrough; stderr: PassThrough } {
    const stdout = new PassThrough();
    const stderr = tty ? stdout : new PassThrough();
    if (tty) raw.pipe(stdout);
    else {
      docker.modem.demuxStream(raw, stdout, stderr);
      raw.on('end', () => {
        stdout.end();
        stderr.end();
      });
      raw.on('close', () => {
        stdout.end();
        stderr.end();
      });
    }
    // Docker gone mid-stream (restarted, killed) ends the output as the container's exit does.
    // Destroying it with the error instead threw: the readers (logs, exec probes) listen for data
    // and end, not for errors.
    raw.on('error', () => {
      if (!stdout.writableEnded) stdout.end();
      if (!stderr.writableEnded) stderr.end();
    });
    return { stdout, stderr };
  }

  return {
    async logs(pod, container, opts: LogOptions): Promise<Readable> {
      const c = await pick(pod, container, opts.previous);
      const ctr = docker.getContainer(c.Id);
      const info = await ctr.inspect();
      const base = {
        stdout: true,
        stderr: true,
        timestamps: !!opts.timestamps,
        ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
        ...(opts.since ? { since: Math.floor(opts.since.getTime() / 1000) } : {}),
      };
      const raw: NodeJS.ReadableStream =
        opts.follow && !opts.previous
          ? await ctr.logs({ ...base, follow: true })
          : new PassThrough().end(await ctr.logs({ ...base, follow: false }));
      const tty = !!info.Config.Tty;
      // Both stdout and stderr interleave into one text stream, as kubectl shows them.
      const out = new PassThrough();
      const { stdout, stderr } = demux(raw, tty);
      let open = tty ? 1 : 2;
      let sent = 0;
      const write = (b: Buffer) => {
        if (opts.limitBytes !== undefined) {
          if (sent >= opts.limitBytes) return;
          b = b.subarray(0, opts.limitBytes - sent);
        }
        sent += b.length;
        out.write(b);
        if (opts.limitBytes !== undefined && sent >= opts.limitBytes) out.end();
      };
      const done = () => {
        if (--open === 0 && !out.writableEnded) out.end();
      };
      stdout.on('data', write).on('end', done);
      if (!tty) stderr.on('data', write).on('end', done);
      // Docker going away mid-follow (restarted, killed) ends the stream as the container's exit
      // does (upstream's kubelet ends a follow when its container stops): never left hanging.
      raw.on('error', () => !out.writableEnded && out.end());
      out.on('close', () => {
        if (raw instanceof Readable) raw.destroy();
      });
      return out;
    },

    async exec(pod, container, opts) {
      const c = await pick(pod, container);
      const exec = await docker.getContainer(c.Id).exec({
        Cmd: opts.command,
        AttachStdin: opts.stdin,
        AttachStdout: opts.stdout,
        AttachStderr: opts.stderr,
        Tty: opts.tty,
      });
      const sock = await exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty });
      return sessionOf(
        sock,
        opts.tty,
        opts.stdin,
        async () => (await exec.inspect()).ExitCode ?? 0,
        (w, h) => exec.resize({ w, h }).catch(() => {}),
      );
    },

    async attach(pod, container, opts) {
      const c = await pick(pod, container);
      const ctr = docker.getContainer(c.Id);
      // Hijacked, the stream is the connection's socket: a Duplex (the types say only ReadWriteStream).
      const sock = (await ctr.attach({
        stream: true,
        stdin: opts.stdin,
        stdout: opts.stdout,
        stderr: opts.stderr,
        hijack: true,
      })) as Duplex;
      return sessionOf(
        sock,
        opts.tty,
        opts.stdin,
        async () => {
          const info = await ctr.inspect();
          return info.State.Running ? 0 : info.State.ExitCode;
        },
        (w, h) => ctr.resize({ w, h }).catch(() => {}),
      );
    },

    portForward: createDockerPortForward({ docker, cluster: d.cluster }),
  };

  function sessionOf(
    sock: Duplex,
    tty: boolean,
    stdin: boolean,
    exit: () => Promise<number>,
    resize: (w: number, h: number) => void,
  ): ExecSession {
    const { stdout, stderr } = demux(sock, tty);
    const exitCode = new Promise<number>((resolve) => {
      let settled = false;
      const finish = () => {
        if (!settled) {
          settled = true;
          exit().then(resolve, () => resolve(0));
        }
      };
      sock.on('end', finish);
      sock.on('close', finish);
    });
    let stdinW: PassThrough | undefined;
    if (stdin) {
      stdinW = new PassThrough();
      stdinW.pipe(sock, { end: false });
      // Half-close so the process sees EOF on its stdin.
      stdinW.on('end', () => sock.end());
    }
    return {
      stdin: stdinW,
      stdout,
      stderr: tty ? undefined : stderr,
      resize,
      exitCode,
      close: () => sock.destroy(),
    };
  }
}
