export { extractRecords, writtenSentence } from './extract-records.js';
export type { ExtractOptions, ExtractResult, ExtractWarning } from './types.js';
