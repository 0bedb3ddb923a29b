import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UnsupportedExpressionError } from './errors';

/** A DynamoDB item in wire format. */
export type Item = Record<string, AttributeValue>;

/** Placeholders of an expression (`#name`, `:value`). */
export interface ExpressionContext {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

/** A parsed condition, evaluated against an item (undefined: the item does not exist). */
export type Condition = (item: Item | undefined, context: ExpressionContext) => boolean;

type Operand = (item: Item | undefined, context: ExpressionContext) => AttributeValue | undefined;

const TOKEN = /\s*(\(|\)|,|<>|<=|>=|=|<|>|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(expression);
    if (!match) throw new UnsupportedExpressionError(`cannot read "${expression.slice(TOKEN.lastIndex)}"`);
    tokens.push(match[1]);
  }
  return tokens;
}

function compare(op: string, a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return op === '<>' && a !== b;
  let left: number | string;
  let right: number | string;
  if (a.N !== undefined && b.N !== undefined) [left, right] = [Number(a.N), Number(b.N)];
  else if (a.S !== undefined && b.S !== undefined) [left, right] = [a.S, b.S];
  else return op === '<>' ? JSON.stringify(a) !== JSON.stringify(b) : op === '=' && JSON.stringify(a) === JSON.stringify(b);
  switch (op) {
    case '=': return left === right;
    case '<>': return left !== right;
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    default: return left >= right;
  }
}

/**
 * Parses the subset of DynamoDB's condition expression grammar the three designs send: OR, AND, NOT,
 * parentheses, comparisons and `attribute_exists` / `attribute_not_exists` on top-level attributes.
 * Hand-written because no maintained npm package evaluates DynamoDB expressions outside a server.
 */
export function parseCondition(expression: string): Condition {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected)) {
      throw new UnsupportedExpressionError(`expected ${expected ?? 'a token'} in "${expression}"`);
    }
    return token;
  };
  const operand = (): Operand => {
    const token = take();
    if (token.startsWith('#')) return (item, ctx) => item?.[ctx.names?.[token] ?? token];
    if (token.startsWith(':')) return (_item, ctx) => ctx.values?.[token];
    return (item) => item?.[token];
  };
  const attributeName = (token: string, ctx: ExpressionContext) => (token.startsWith('#') ? (ctx.names?.[token] ?? token) : token);

  const primary = (): Condition => {
    const token = peek();
    if (token === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    const lower = token?.toLowerCase();
    if (lower === 'attribute_exists' || lower === 'attribute_not_exists') {
      take();
      take('(');
      const name = take();
      take(')');
      const exists = lower === 'attribute_exists';
      return (item, ctx) => (item?.[attributeName(name, ctx)] !== undefined) === exists;
    }
    const left = operand();
    const op = take();
    if (!COMPARATORS.has(op)) throw new UnsupportedExpressionError(`unsupported operator "${op}" in "${expression}"`);
    const right = operand();
    return (item, ctx) => compare(op, left(item, ctx), right(item, ctx));
  };
  const not = (): Condition => {
    if (peek()?.toUpperCase() === 'NOT') {
      take();
      const inner = not();
      return (item, ctx) => !inner(item, ctx);
    }
    return primary();
  };
  const and = (): Condition => {
    const parts = [not()];
    while (peek()?.toUpperCase() === 'AND') {
      take();
      parts.push(not());
    }
    return parts.length === 1 ? parts[0] : (item, ctx) => parts.every((p) => p(item, ctx));
  };
  function or(): Condition {
    const parts = [and()];
    while (peek()?.toUpperCase() === 'OR') {
      take();
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : (item, ctx) => parts.some((p) => p(item, ctx));
  }
  const condition = or();
  if (at !== tokens.length) throw new UnsupportedExpressionError(`unexpected "${tokens[at]}" in "${expression}"`);
  return condition;
}

/**
 * Parses `SET a = :v, #b = :w`, the only update form the designs send; returns a function that applies it.
 */
export function parseSetUpdate(expression: string): (item: Item, context: ExpressionContext) => void {
  const match = /^\s*SET\s+(.+)$/i.exec(expression);
  if (!match) throw new UnsupportedExpressionError(`only SET updates are supported: "${expression}"`);
  const assignments = match[1].split(',').map((part) => {
    const pair = /^\s*([#:]?[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(:[A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(part);
    if (!pair) throw new UnsupportedExpressionError(`unsupported assignment "${part}"`);
    return [pair[1], pair[2]] as const;
  });
  return (item, ctx) => {
    for (const [name, value] of assignments) {
      const attribute = name.startsWith('#') ? (ctx.names?.[name] ?? name) : name;
      const v = ctx.values?.[value];
      if (v === undefined) throw new UnsupportedExpressionError(`no value for ${value}`);
      item[attribute] = v;
    }
  };
}
