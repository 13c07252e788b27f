/** The chart calls of the contract (issue 5). Names in ../names.ts (chartCallNames). */
import type { z } from 'zod';
import type { CallSpec } from '../call-spec';
import type { ChartCallName } from '../names';

export const chartCalls = {} as const satisfies Record<ChartCallName, CallSpec<z.ZodType, unknown>>;
