import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { parseCondition, parseSetUpdate, type Condition, type ExpressionContext, type Item } from './condition-expression';
import { StubValidationError, UnsupportedExpressionError } from './errors';

/** A DynamoDB API error as the wire protocol carries it. */
export class DynamoDbApiError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly item?: Item,
  ) {
    super(message);
    this.name = type;
  }
}

interface Table {
  readonly hashKey: string;
  readonly items: Map<string, Item>;
  /** Global secondary indexes: index name -> hash attribute and items by that attribute's value. */
  readonly indexes: Map<string, { readonly attribute: string; readonly keys: Map<string, Set<string>> }>;
}

type Input = Record<string, unknown> & {
  TableName?: string;
  Key?: Item;
  Item?: Item;
  IndexName?: string;
  ConditionExpression?: string;
  UpdateExpression?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
  Limit?: number;
};

const keyString = (value: AttributeValue | undefined): string => {
  if (value?.S !== undefined) return `S:${value.S}`;
  if (value?.N !== undefined) return `N:${value.N}`;
  throw new StubValidationError('key attributes must be S or N');
};

/**
 * An in-memory DynamoDB for CPU-only runs: hash-key tables with optional hash-key GSIs, and the item
 * operations the designs use (PutItem, GetItem, UpdateItem, DeleteItem, Query) with their conditions
 * evaluated, and `ALL_OLD` on condition failure as DynamoDB returns it. Parsed expressions are cached,
 * so the stub's own cost per call stays small next to the SDK's.
 */
export class InMemoryDynamoDb {
  private readonly tables = new Map<string, Table>();
  private readonly conditions = new Map<string, Condition>();
  private readonly updates = new Map<string, ReturnType<typeof parseSetUpdate>>();

  /** Runs one operation with its wire-format input and returns its wire-format output. */
  public execute(operation: string, input: Input): Record<string, unknown> {
    switch (operation) {
      case 'CreateTable': return this.createTable(input);
      case 'PutItem': return this.putItem(input);
      case 'GetItem': return this.getItem(input);
      case 'UpdateItem': return this.updateItem(input);
      case 'DeleteItem': return this.deleteItem(input);
      case 'Query': return this.query(input);
      default: throw new DynamoDbApiError('UnknownOperationException', `${operation} is not supported by the in-memory DynamoDB`);
    }
  }

  /** Items of a table, for tests. */
  public items(tableName: string): Item[] {
    return [...this.table(tableName).items.values()];
  }

  private createTable(input: Input): Record<string, unknown> {
    const schema = input.KeySchema as { AttributeName: string; KeyType: string }[];
    if (schema.length !== 1) throw new UnsupportedExpressionError('only hash-key tables are supported');
    const gsis = (input.GlobalSecondaryIndexes as { IndexName: string; KeySchema: { AttributeName: string }[] }[] | undefined) ?? [];
    this.tables.set(input.TableName!, {
      hashKey: schema[0].AttributeName,
      items: new Map(),
      indexes: new Map(gsis.map((g) => [g.IndexName, { attribute: g.KeySchema[0].AttributeName, keys: new Map() }])),
    });
    return { TableDescription: { TableName: input.TableName, TableStatus: 'ACTIVE' } };
  }

  private table(name: string | undefined): Table {
    const table = name === undefined ? undefined : this.tables.get(name);
    if (!table) throw new DynamoDbApiError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    return table;
  }

  private check(input: Input, existing: Item | undefined): void {
    if (!input.ConditionExpression) return;
    let condition = this.conditions.get(input.ConditionExpression);
    if (!condition) {
      condition = parseCondition(input.ConditionExpression);
      this.conditions.set(input.ConditionExpression, condition);
    }
    const context: ExpressionContext = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues };
    if (!condition(existing, context)) {
      const old = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined;
      throw new DynamoDbApiError('ConditionalCheckFailedException', 'The conditional request failed', old);
    }
  }

  private store(table: Table, key: string, item: Item | undefined): void {
    const previous = table.items.get(key);
    for (const index of table.indexes.values()) {
      const before = previous?.[index.attribute];
      if (before !== undefined) index.keys.get(keyString(before))?.delete(key);
      const after = item?.[index.attribute];
      if (after !== undefined) {
        const k = keyString(after);
        let set = index.keys.get(k);
        if (!set) index.keys.set(k, (set = new Set()));
        set.add(key);
      }
    }
    if (item) table.items.set(key, item);
    else table.items.delete(key);
  }

  private putItem(input: Input): Record<string, unknown> {
    const table = this.table(input.TableName);
    const key = keyString(input.Item?.[table.hashKey]);
    this.check(input, table.items.get(key));
    this.store(table, key, { ...input.Item });
    return {};
  }

  private getItem(input: Input): Record<string, unknown> {
    const table = this.table(input.TableName);
    const item = table.items.get(keyString(input.Key?.[table.hashKey]));
    return item ? { Item: item } : {};
  }

  private updateItem(input: Input): Record<string, unknown> {
    const table = this.table(input.TableName);
    const key = keyString(input.Key?.[table.hashKey]);
    const existing = table.items.get(key);
    this.check(input, existing);
    let update = this.updates.get(input.UpdateExpression ?? '');
    if (!update) {
      update = parseSetUpdate(input.UpdateExpression ?? '');
      this.updates.set(input.UpdateExpression ?? '', update);
    }
    const item: Item = { ...(existing ?? input.Key) };
    update(item, { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues });
    this.store(table, key, item);
    return {};
  }

  private deleteItem(input: Input): Record<string, unknown> {
    const table = this.table(input.TableName);
    const key = keyString(input.Key?.[table.hashKey]);
    this.check(input, table.items.get(key));
    this.store(table, key, undefined);
    return {};
  }

  /** `#k = :v` on the table's hash key or on a GSI's. */
  private query(input: Input): Record<string, unknown> {
    const table = this.table(input.TableName);
    const match = /^\s*([#:]?\w+)\s*=\s*(:\w+)\s*$/.exec(input.KeyConditionExpression ?? '');
    if (!match) throw new UnsupportedExpressionError(`unsupported key condition "${input.KeyConditionExpression}"`);
    const attribute = input.ExpressionAttributeNames?.[match[1]] ?? match[1];
    const value = keyString(input.ExpressionAttributeValues?.[match[2]]);
    let items: Item[];
    if (input.IndexName) {
      const index = table.indexes.get(input.IndexName);
      if (!index || index.attribute !== attribute) throw new StubValidationError(`no index ${input.IndexName} on ${attribute}`);
      items = [...(index.keys.get(value) ?? [])].map((k) => table.items.get(k)!);
    } else {
      if (attribute !== table.hashKey) throw new StubValidationError(`${attribute} is not the table's key`);
      const item = table.items.get(value);
      items = item ? [item] : [];
    }
    if (input.Limit !== undefined) items = items.slice(0, input.Limit);
    return { Items: items, Count: items.length, ScannedCount: items.length };
  }
}
