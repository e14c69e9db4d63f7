// The host process, for the Node-only parts (the journal's lock file): the machine's name,
// whether another process is alive, and a hook at exit. Imports node:os, so only modules that
// are Node-only themselves import this file (Deno runs it through its node: compatibility).
import { hostname } from 'node:os';

/** This machine's host name. */
export function hostName(): string {
  return hostname();
}

/** Whether process `pid` is running on this machine: signal 0 probes it (EPERM: it is, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Call `listener` when this process exits. */
export function onProcessExit(listener: () => void): void {
  process.on('exit', listener);
}

/** Undo onProcessExit(listener). */
export function offProcessExit(listener: () => void): void {
  process.off('exit', listener);
}
