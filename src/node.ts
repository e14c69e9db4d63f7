// The Node-only part of the API: the journal file storage, the run-directory search runner
// and the command line. Everything of ./index.ts is re-exported too.
export * from './index.ts';
export { JournalStorage, parseJournal, type JournalOptions } from './study/journal.ts';
export { RedisStorage, parseRedisUrl, type RedisStorageOptions, type RedisAddress } from './study/redis.ts';
export { runSearch, summarize, writeSummary, evaluationPlan, type SearchOptions, type Summary, type EvaluationPlan } from './study/search.ts';
export { main } from './cli/main.ts';
