/**
 * Acting on a local server that capbench started (issue 13, faults): pause (SIGSTOP/SIGCONT),
 * kill (SIGKILL), clean stop and start, each on the server's whole process tree (the server
 * and every process under it, e.g. PostgreSQL's postmaster and backends). Only a server this state dir's pid file names, listening on the
 * run's address, is ever touched: the shared servers other people use never are.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Connection, LocalService, ServiceContext } from '../../core/target.js';
import { addressOf } from './net.js';
import { serviceLayout } from './paths.js';
import { isProcessAlive, readLivePid, waitForExit } from './process.js';

/** What a fault may do to one store's server; every method resolves once the action took effect. */
export interface ServerControl {
  /** How the server is acted on, one line for the report ("local server pid 123 (SIGSTOP/SIGCONT)"). */
  describe: string;
  /** Stop answering (the process still holds its connections); undefined when not possible. */
  pause?(forMs: number): Promise<void>;
  resume?(): Promise<void>;
  /** Die at once, losing what was not persisted. */
  kill?(): Promise<void>;
  /** Shut down cleanly. */
  stop?(): Promise<void>;
  /** Start (again) and wait until it answers. */
  start?(): Promise<void>;
}

/** `root` and every process descending from it (read from /proc), root first. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * Signal the server and every process under it, one by one: a server may leave the group
 * capbench spawned it in (PostgreSQL's postmaster calls setsid()), so a group signal is not enough.
 */
function signalGroup(pid: number, sig: NodeJS.Signals): void {
  for (const p of processTree(pid)) {
    try {
      process.kill(p, sig);
    } catch {
      // ended meanwhile
    }
  }
}

/**
 * The control of the local server capbench started for `store` under `ctx.stateDir`, when
 * that server is running and is the one `conn` points at; undefined otherwise (an external
 * server, or another state dir's).
 */
export async function localServerControl(store: string, local: LocalService, conn: Connection, ctx: ServiceContext): Promise<ServerControl | undefined> {
  const status = await local.status(ctx);
  if (status.state !== 'running' || status.provisioner !== 'local' || status.address !== addressOf(conn)) return undefined;
  const layout = serviceLayout(ctx, store);
  const pidNow = async (): Promise<number> => {
    const pid = await readLivePid(layout.pidPath);
    if (pid === undefined) throw new Error(`${store}: no live server pid in ${layout.pidPath}`);
    return pid;
  };
  const first = await pidNow();
  return {
    describe: `capbench's local ${status.product} at ${status.address} (pid ${first}, state dir ${ctx.stateDir})`,
    pause: async () => signalGroup(await pidNow(), 'SIGSTOP'),
    resume: async () => signalGroup(await pidNow(), 'SIGCONT'),
    kill: async () => {
      const pid = await pidNow();
      signalGroup(pid, 'SIGCONT'); // a paused server must die too
      signalGroup(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
    },
    stop: async () => {
      const pid = await readLivePid(layout.pidPath);
      if (pid !== undefined && isProcessAlive(pid)) signalGroup(pid, 'SIGCONT');
      await local.stop(ctx);
    },
    start: async () => {
      const s = await local.start(ctx);
      if (s.state !== 'running') throw new Error(`${store} did not start again: ${s.message ?? s.state}`);
    },
  };
}
