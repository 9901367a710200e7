/**
 * Is a Docker engine answering? Decided fast and without the docker CLI: find the engine's
 * endpoint (DOCKER_HOST, ~/.testcontainers.properties docker.host, the usual socket paths) and
 * send one `GET /_ping` with a short timeout. No socket file means no engine: false at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** Where a Docker engine may be reached. */
export type DockerEndpoint = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls: boolean };

/** Candidate endpoints, most specific first (DOCKER_HOST wins alone when set). */
export function dockerEndpoints(env: NodeJS.ProcessEnv = process.env): DockerEndpoint[] {
  const fromUrl = (url: string): DockerEndpoint | undefined => {
    if (url.startsWith('unix://')) return { kind: 'unix', socketPath: url.slice('unix://'.length) };
    if (url.startsWith('tcp://') || url.startsWith('http://') || url.startsWith('https://')) {
      try {
        const u = new URL(url.replace(/^tcp:/, 'http:'));
        const tls = url.startsWith('https://') || env.DOCKER_TLS_VERIFY === '1';
        return { kind: 'tcp', host: u.hostname, port: Number(u.port || (tls ? 2376 : 2375)), tls };
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  if (env.DOCKER_HOST) {
    const e = fromUrl(env.DOCKER_HOST);
    return e ? [e] : [];
  }
  const out: DockerEndpoint[] = [];
  try {
    const props = readFileSync(path.join(os.homedir(), '.testcontainers.properties'), 'utf8');
    const m = /^\s*docker\.host\s*=\s*(\S+)/m.exec(props);
    const e = m ? fromUrl(m[1]!) : undefined;
    if (e) out.push(e);
  } catch {
    // no properties file
  }
  const home = os.homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const sockets = [
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    uid !== undefined ? `/run/user/${uid}/docker.sock` : undefined,
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(home, '.colima', 'default', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
  ];
  for (const s of sockets) if (s && existsSync(s)) out.push({ kind: 'unix', socketPath: s });
  return out;
}

function ping(e: DockerEndpoint, timeoutMs: number): Promise<boolean> {
  if (e.kind === 'tcp' && e.tls) {
    // TLS needs client certificates: settle for "something accepts connections there"
    return new Promise((resolve) => {
      const req = http.request({ host: e.host, port: e.port, method: 'HEAD', path: '/', timeout: timeoutMs });
      req.on('response', () => resolve(true));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' || err.code === 'EPROTO'));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
      req.end();
    });
  }
  return new Promise((resolve) => {
    const opts: http.RequestOptions =
      e.kind === 'unix' ? { socketPath: e.socketPath, path: '/_ping', timeout: timeoutMs } : { host: e.host, port: e.port, path: '/_ping', timeout: timeoutMs };
    const req = http.get(opts, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

let cached: Promise<DockerEndpoint | undefined> | undefined;

/**
 * The first Docker endpoint that answers `/_ping` within timeoutMs (default 1500 ms per
 * endpoint), or undefined. Memoised for the life of the process (pass fresh=true to re-check).
 */
export function findDockerEngine(timeoutMs = 1500, fresh = false): Promise<DockerEndpoint | undefined> {
  if (!cached || fresh) {
    cached = (async () => {
      for (const e of dockerEndpoints()) if (await ping(e, timeoutMs)) return e;
      return undefined;
    })();
  }
  return cached;
}

/** True when a Docker engine answers (see findDockerEngine()); never throws, never hangs past its timeouts. */
export async function dockerAvailable(timeoutMs = 1500): Promise<boolean> {
  return (await findDockerEngine(timeoutMs)) !== undefined;
}
