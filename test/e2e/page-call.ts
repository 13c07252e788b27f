/**
 * A contract call made by the page itself, through its `window.tabib` (the session and the guard
 * apply as to the renderer's own calls); a refusal is thrown with its code.
 */
import type { Page } from 'playwright-core';
import type { Envelope } from '../../main/contract/errors';

export async function pageCall<T>(page: Page, name: string, args: unknown): Promise<T> {
  const envelope = (await page.evaluate(
    ([callName, callArgs]) => {
      const [namespace, method] = callName.split('.') as [string, string];
      const tabib = (window as unknown as { tabib: Record<string, Record<string, (a: unknown) => unknown>> })
        .tabib;
      return tabib[namespace]![method]!(callArgs);
    },
    [name, args] as const,
  )) as Envelope<T>;
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value;
}
