import { processBatchCases } from './processBatch.cases';

// The per-record fallback, against dynalite (no BatchExecuteStatement).
processBatchCases('dynalite');
