// What an HTML report carries: every run's trials as the journal recorded them, with the
// summary the search wrote. Shared by the Node side that collects it (collect.ts) and the page
// that draws it (app.ts), so it holds plain JSON only.

export interface ReportTrial {
  number: number;
  state: 'complete' | 'failed' | 'pruned';
  params: Record<string, number | string | boolean>;
  budget?: number;
  /** objective values in their own directions (complete trials) */
  values?: number[];
  metrics?: Record<string, number | string>;
  /** seconds from the start of the run to the tell */
  seconds: number;
}

export interface ReportRun {
  name: string;
  dir: string;
  method: string;
  seed: number;
  problem?: string;
  objectives: string[];
  directions: string[];
  referencePoint: number[];
  hypervolume: number;
  elapsedSeconds: number;
  /** [evaluations, seconds, hypervolume] after each finished trial */
  hvHistory: [number, number, number][];
  /** numbers of the trials on the Pareto front */
  front: number[];
  /** the hyperparameters, in the search space's order */
  params: string[];
  /** those the space samples on a log scale (learning rates, ...): their axes are logarithmic */
  logParams?: string[];
  trials: ReportTrial[];
}

export interface ReportData {
  generated: string;
  runs: ReportRun[];
}

/** The id of the script element holding the data in the page. */
export const DATA_ELEMENT = 'paretonas-report-data';
