/**
 * `npm run bench <name> [-- options]`: runs one benchmark. Benchmarks print their figures and the
 * machine they ran on; they are never part of `npm test`.
 */
const benchmarks: Record<string, string> = {
  ciphers: './ciphers.bench.ts',
  record: './record.bench.ts',
  card: './card.bench.ts',
  sync: './sync.bench.ts',
  ui: '../e2e/bench/ui-renderer.ts',
  imaging: '../e2e/bench/imaging-renderer.ts',
};

const [name, ...rest] = process.argv.slice(2);
const entry = name ? benchmarks[name] : undefined;
if (!entry) {
  process.stderr.write(`Usage: npm run bench <${Object.keys(benchmarks).join('|')}> [-- options]\n`);
  process.exit(2);
}
process.argv = [process.argv[0] as string, entry, ...rest];
await import(entry);

export {};
