/**
 * axe-core in the harness's page: the WCAG 2.1 A and AA rules on what is on screen. The e2e tests
 * fail on any serious or critical violation, naming the rule and the elements, so a regression
 * shows where it is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a script tag would be refused). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface AxeResults {
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

/**
 * The serious and critical violations on the page as it is now, or within the element `within`
 * selects (a dialog over a screen that its own test checks).
 */
export async function seriousViolations(page: Page, within?: string): Promise<AccessibilityViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(async (selector) => {
    const axe = (
      window as unknown as { axe: { run(context: Element | Document, options: unknown): Promise<unknown> } }
    ).axe;
    const context = selector ? document.querySelector(selector) : document;
    if (!context) throw new Error(`Nothing on the page matches ${selector}`);
    return axe.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
  }, within ?? null);
  return (results as AxeResults).violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
}
