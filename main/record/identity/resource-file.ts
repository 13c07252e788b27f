/**
 * Tabib's own data files in resources/ (country profiles, the name dictionary): JSON from the
 * disk, so validated once, here, with its zod schema. A broken file is CONFIG_INVALID, naming the
 * file and what is wrong in it, never a crash further on.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { TabibError } from '../../errors';

export function parseResourceJson<Schema extends z.ZodType>(
  schema: Schema,
  json: unknown,
  path: string,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new TabibError('CONFIG_INVALID', `The ${what} ${path} is not valid`, {
      path,
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    });
  }
  return parsed.data;
}

export function readResourceJson<Schema extends z.ZodType>(
  schema: Schema,
  path: string,
  what: string,
): z.output<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TabibError('CONFIG_INVALID', `Cannot read the ${what} ${path}`, {
      path,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  return parseResourceJson(schema, json, path, what);
}
