import { processBatchCases } from './processBatch.cases';

// Claims in batches, against DynamoDB Local.
processBatchCases('dynamodb-local');
