/**
 * What the benchmarks read of a process or of the machine from Linux /proc:
 * CPU time so far (user + system, 100 ticks per second) and resident memory.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system) of a process so far, ms; `missing` when there is no such process (or no pid). */
export function processCpuMs(pid: number | undefined, missing = Number.NaN): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return missing;
  }
}

/** Resident set size of a process (VmRSS), bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** CPU time of the whole machine so far, ms (all cores, every state but idle and iowait). */
export function machineCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const busy = fields.reduce((a, b) => a + b, 0) - (fields[3] ?? 0) - (fields[4] ?? 0);
  return busy * 10;
}

/** Pids of the processes whose name matches `pattern` exactly (pgrep -x), none when nothing does. */
export function pidsNamed(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
