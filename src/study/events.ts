// The study's history as a sequence of events: what a journal file holds, one JSON object a line.
import type { Direction } from '../problems/types.ts';
import type { SearchSpaceJSON } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import type { TrialState } from '../optimizers/types.ts';

export const JOURNAL_VERSION = 1;

/** What a study is: enough to rebuild its method on resume. */
export interface StudyMeta {
  method: string;
  methodOptions?: Record<string, unknown>;
  seed: number;
  problem?: string;
  problemOptions?: Record<string, unknown>;
  objectiveNames: string[];
  directions: Direction[];
  /** in the objectives' own directions */
  referencePoint: number[];
  space: SearchSpaceJSON;
  minBudget?: number;
  maxBudget?: number;
  /** the run keeps every trained model (`--keep-models`), on resume too */
  keepModels?: boolean;
}

export type StudyEvent =
  | { type: 'study'; version: number; time: number; meta: StudyMeta }
  /** a process opened the study (created or resumed it) */
  | { type: 'session'; time: number; pid?: number; resumed: boolean }
  | { type: 'ask'; time: number; number: number; params: Config; budget?: number; info?: Record<string, unknown> }
  | {
      type: 'tell';
      time: number;
      number: number;
      state: Exclude<TrialState, 'running'>;
      /** in the objectives' own directions */
      values?: number[];
      metrics?: Record<string, number | string>;
      error?: string;
    };
