/**
 * CPU time of the datastore server processes on this machine, read from /proc, so that a
 * capacity step can tell capbench's own CPU, the servers' and everyone else's apart (the
 * "other processes were busy" retry rule of a capacity search). Linux only; elsewhere, or for a
 * server that is not on this machine, the figure is null.
 */
import { readFile, readdir } from 'node:fs/promises';
import type { StoreName } from '../core/target.js';

/** Clock ticks per second of /proc/<pid>/stat utime and stime (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS_PER_S = 100;

/**
 * Parse a /proc/<pid>/stat line into the command name, the CPU time the process used
 * (user + system, fields 14 and 15), s, and the CPU time of its children that exited and were
 * reaped (cutime + cstime, fields 16 and 17), s. Summing both over the live processes of a
 * server counts every process once, including PostgreSQL backends that ended (the postmaster
 * reaps them). The name is between the first "(" and the last ")" (it may contain spaces and
 * parentheses). Null for a line that does not parse.
 */
export function parseProcStat(line: string, ticksPerS = CLOCK_TICKS_PER_S): { comm: string; cpuS: number; childrenCpuS: number } | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const comm = line.slice(open + 1, close);
  // After ")": state is field 3, so field N is at index N - 3.
  const f = line.slice(close + 1).trim().split(/\s+/).slice(11, 15).map(Number);
  if (f.length < 4 || !f.every(Number.isFinite)) return null;
  const [utime, stime, cutime, cstime] = f as [number, number, number, number];
  return { comm, cpuS: (utime + stime) / ticksPerS, childrenCpuS: (cutime + cstime) / ticksPerS };
}

/**
 * How each store's server process is recognised: its /proc comm, and for the two JVMs (whose
 * comm is "java") a pattern of the command line. FerretDB stands in for MongoDB here.
 */
export const SERVER_PROCESSES: Record<StoreName, { comm: string; cmdline?: RegExp }> = {
  redis: { comm: 'redis-server' },
  postgres: { comm: 'postgres' },
  mongodb: { comm: 'ferretdb' },
  cassandra: { comm: 'java', cmdline: /cassandra/i },
  elasticsearch: { comm: 'java', cmdline: /elasticsearch/i },
};

/** A process as read from /proc. */
interface ProcInfo {
  comm: string;
  cmdline: string;
  cpuS: number;
}

async function readProcs(): Promise<ProcInfo[] | null> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const out: ProcInfo[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const st = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
        if (!st) return;
        const cmdline = st.comm === 'java' || st.comm === 'redis-server' ? (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ') : '';
        out.push({ comm: st.comm, cmdline, cpuS: st.cpuS + st.childrenCpuS });
      } catch {
        // the process exited meanwhile
      }
    }),
  );
  return out;
}

/**
 * CPU time used so far by the server processes of `stores`, s (every process of each, children
 * that exited included); a Redis server is matched by its port ("redis-server 127.0.0.1:6379")
 * when `ports.redis` is given, so that other Redis instances on the machine count as others.
 * @returns null when /proc is unreadable or a store's server is not found on this machine.
 */
export async function serversCpuS(stores: readonly StoreName[], ports: Partial<Record<StoreName, number>> = {}): Promise<number | null> {
  if (stores.length === 0) return 0;
  const procs = await readProcs();
  if (!procs) return null;
  let total = 0;
  for (const store of stores) {
    const want = SERVER_PROCESSES[store];
    let match = procs.filter((p) => p.comm === want.comm && (!want.cmdline || want.cmdline.test(p.cmdline)));
    const port = ports[store];
    if (store === 'redis' && port !== undefined) {
      const byPort = match.filter((p) => p.cmdline.includes(`:${port}`));
      if (byPort.length > 0) match = byPort;
    }
    if (match.length === 0) return null;
    total += match.reduce((a, p) => a + p.cpuS, 0);
  }
  return total;
}
