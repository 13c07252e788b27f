/**
 * Property test of the sync against the peers (issue 4, acceptance "Property test against the
 * peers"): two workstations and the national record service, random sequences of local edits,
 * edits by another facility, offline periods, faults injected during a sync, and concurrent edits
 * of the same resource. At the end every workstation comes online, syncs until quiet, resolves
 * every open conflict (alternating 'local' and 'remote') and syncs until quiet again; then every
 * replica equals the server, every acknowledged local change is on the server, nothing is
 * duplicated, every concurrent edit was recorded as a conflict, and each record is intact with an
 * empty outbox. The world and its checks: support/sync-world.ts.
 *
 * Deterministic: a fixed seed and a bounded number of runs (each run: a fresh peer, two proxies,
 * two records, all stopped at its end). A failure reports the shrunk command list; keep it below
 * as a named regression case.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createFetch } from '../../main/sync/http-transport';
import { World, type Side, type SyncFault } from './support/sync-world';

type Op = 'update' | 'delete';
type Where = Side | 'server';

export type Command =
  | { c: 'createPatient'; on: Where }
  | { c: 'addClinical'; on: Where; kind: 'Observation' | 'Condition'; pick: number }
  | { c: 'edit'; on: Where; op: Op; pick: number }
  | { c: 'concurrent'; pick: number; a: Op; b: Op; server: Op | null }
  | { c: 'offline'; side: Side }
  | { c: 'online'; side: Side }
  | { c: 'sync'; side: Side; fault: SyncFault | null };

const SEED = 20261122;
const RUNS = 60;

const transport = createFetch();
afterAll(async () => {
  await transport.close();
});

const side = fc.constantFrom<Side>('A', 'B');
const where = fc.constantFrom<Where>('A', 'B', 'server');
const op = fc.constantFrom<Op>('update', 'update', 'delete');
const pick = fc.nat({ max: 50 });
const at = fc.nat({ max: 24 });

const fault: fc.Arbitrary<SyncFault> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('lost-answer' as const), at }),
  fc.record({
    kind: fc.constant('burst' as const),
    at,
    status: fc.constantFrom<503 | 429>(503, 429),
    times: fc.integer({ min: 1, max: 4 }),
  }),
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ c: fc.constant('createPatient' as const), on: where }) },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('addClinical' as const),
      on: where,
      kind: fc.constantFrom<'Observation' | 'Condition'>('Observation', 'Condition'),
      pick,
    }),
  },
  { weight: 4, arbitrary: fc.record({ c: fc.constant('edit' as const), on: where, op, pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('concurrent' as const),
      pick,
      a: op,
      b: op,
      server: fc.constantFrom<Op | null>(null, null, 'update', 'delete'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('offline' as const), side }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('online' as const), side }) },
  {
    weight: 6,
    arbitrary: fc.record({ c: fc.constant('sync' as const), side, fault: fc.option(fault, { freq: 2 }) }),
  },
);

let runNumber = 0;

async function apply(world: World, cmd: Command): Promise<void> {
  switch (cmd.c) {
    case 'createPatient':
      await world.createPatient(cmd.on);
      return;
    case 'addClinical':
      await world.addClinical(cmd.on, cmd.kind, cmd.pick);
      return;
    case 'edit': {
      const target = world.target(cmd.on, cmd.pick, cmd.op);
      if (target) await world.edit(cmd.on, target, cmd.op);
      return;
    }
    case 'concurrent':
      await world.concurrent(cmd.pick, cmd.a, cmd.b, cmd.server);
      return;
    case 'offline':
      world.setOffline(cmd.side, true);
      return;
    case 'online':
      world.setOffline(cmd.side, false);
      return;
    case 'sync':
      if (cmd.fault) world.fault(cmd.side, cmd.fault);
      await world.sync(cmd.side);
      return;
  }
}

/** Runs one command sequence in a fresh world; returns the violations found (none: the property holds). */
async function scenario(
  pageSize: number,
  commands: readonly Command[],
): Promise<{ violations: string[]; world: World }> {
  const world = await World.start(transport.fetch, ++runNumber, pageSize);
  try {
    // Where every run starts: two patients of the facility with their records, on both workstations.
    for (let patient = 0; patient < 2; patient++) {
      await world.createPatient('server');
      await world.addClinical('server', 'Observation', patient);
      await world.addClinical('server', 'Condition', patient);
    }
    for (const side of ['A', 'B'] as const)
      if (!(await world.sync(side)).ok) throw new Error(`the first sync of ${side} failed`);
    for (const cmd of commands) await apply(world, cmd);
    await world.finish();
    return { violations: world.violations, world };
  } finally {
    await world.stop();
  }
}

/**
 * Counterexamples the property found, shrunk, kept as they were found (page size, commands).
 */
const REGRESSIONS: { name: string; pageSize: number; commands: Command[] }[] = [
  {
    // patient-fetch.ts: $everything returns the AuditEvents pushed about the patient (they are in
    // its compartment); the page was refused ("AuditEvent … not a type the record holds"), so the
    // backfill of a patient new to the facility failed on every sync, for ever.
    name: 'a patient created here, pushed with its audit events, is backfilled by the next pull',
    pageSize: 4,
    commands: [
      { c: 'sync', side: 'A', fault: null },
      { c: 'edit', on: 'A', op: 'update', pick: 0 },
      { c: 'sync', side: 'A', fault: null },
      { c: 'createPatient', on: 'A' },
    ],
  },
  {
    // pull.ts: an Observation created and deleted on the server since B's cursor: the history page
    // holds its creation and its deletion; the deletion was dropped (B did not hold it yet), the
    // creation applied, and B kept a resource the server no longer has, for ever.
    name: 'a resource created and deleted since the last pull is not resurrected by it',
    pageSize: 4,
    commands: [
      { c: 'concurrent', pick: 21, a: 'update', b: 'delete', server: null },
      { c: 'addClinical', on: 'A', kind: 'Observation', pick: 0 },
      { c: 'sync', side: 'A', fault: null },
      { c: 'edit', on: 'server', op: 'delete', pick: 0 },
    ],
  },
  {
    // push.ts: a Condition updated on A and on B and deleted by another facility: both conflicts
    // resolved 'local' (each clinician keeps their version) → both sent as creates without
    // If-Match; B's update-as-create silently overwrote what A had re-created.
    name: 'two workstations keeping their version of what the server deleted: the second meets a conflict',
    pageSize: 4,
    commands: [
      { c: 'addClinical', on: 'A', kind: 'Observation', pick: 0 },
      { c: 'createPatient', on: 'A' },
      { c: 'concurrent', pick: 1, a: 'update', b: 'update', server: null },
      { c: 'concurrent', pick: 0, a: 'update', b: 'update', server: 'delete' },
    ],
  },
];

describe('sync property: regressions', () => {
  for (const regression of REGRESSIONS)
    it(regression.name, async () => {
      const { violations } = await scenario(regression.pageSize, regression.commands);
      expect(violations).toEqual([]);
    });
});

describe('sync property: two workstations, one national record, faults and conflicts', () => {
  it('every replica ends equal to the server, nothing lost, nothing duplicated, every conflict recorded', async () => {
    const totals = { syncs: 0, failedSyncs: 0, acknowledged: 0, requiredConflicts: 0, concurrentEdits: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(4, 1000),
        fc.array(command, { minLength: 4, maxLength: 40 }),
        async (pageSize, commands) => {
          const { violations, world } = await scenario(pageSize, commands);
          for (const name of Object.keys(totals) as (keyof typeof totals)[])
            totals[name] += world.stats[name];
          expect(violations).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    if (process.env.SYNC_PROPERTY_STATS) console.log(JSON.stringify(totals));
    // The runs exercised what they are about (not a vacuous pass).
    expect(totals.failedSyncs).toBeGreaterThan(0);
    expect(totals.acknowledged).toBeGreaterThan(0);
    expect(totals.requiredConflicts + totals.concurrentEdits).toBeGreaterThan(0);
  }, 240_000);
});
