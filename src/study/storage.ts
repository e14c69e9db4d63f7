import type { StudyEvent } from './events.ts';

/**
 * Where a study's events go. Appends are durable when append() returns, or, for a storage with
 * flush() (a remote one), when flush() resolves; the study awaits it after every tell.
 */
export interface Storage {
  /** The events stored so far (for a new storage: none). */
  load(): StudyEvent[];
  append(event: StudyEvent): void;
  flush?(): Promise<void>;
  close(): void | Promise<void>;
  /** A description for messages (e.g. the journal's path). */
  readonly where: string;
}

/** Events kept in memory only. */
export class MemoryStorage implements Storage {
  readonly where = 'memory';
  private readonly events: StudyEvent[] = [];
  load(): StudyEvent[] {
    return this.events.map((e) => structuredClone(e));
  }
  append(event: StudyEvent): void {
    this.events.push(structuredClone(event));
  }
  close(): void {}
}
