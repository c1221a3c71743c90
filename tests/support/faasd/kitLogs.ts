/** What the kit's containers printed and how much memory the functions hold: the suite's view of a running faasd. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { RunningKit } from './faasdKit.ts';

/** The lines a container printed (`openfaas:queue-worker`, `openfaas-fn:rest`): the kit's journal; on a real faasd, `journalctl -t <identifier>`. */
export function journal(kit: RunningKit, identifier: string): string[] {
  return readFileSync(path.join(kit.logsDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line) as { SYSLOG_IDENTIFIER: string; MESSAGE: string })
    .filter((entry) => entry.SYSLOG_IDENTIFIER === identifier)
    .map((entry) => entry.MESSAGE);
}

/** Resident memory of each function container: its watchdog and the Node process under it, in MiB. */
export function functionMemory(kit: RunningKit): Array<[string, number]> {
  const tasks = kit.inNamespaces(['ctr', '-n', 'openfaas-fn', 'tasks', 'ls']).split('\n').slice(1).map((line) => line.trim().split(/\s+/)).filter((fields) => fields[2] === 'RUNNING');
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return ''; // the process ended meanwhile
    }
  };
  const rssOf = (pid: string): number => {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`))?.[1] ?? 0);
    const tasks = read(`/proc/${pid}/status`) === '' ? [] : readdirSync(`/proc/${pid}/task`);
    const children = tasks.flatMap((task) => read(`/proc/${pid}/task/${task}/children`).trim().split(/\s+/).filter(Boolean));
    return kib + children.reduce((sum, child) => sum + rssOf(child), 0);
  };
  return tasks.map(([name, pid]) => [name!, Math.round(rssOf(pid!) / 1024)] as [string, number]);
}
