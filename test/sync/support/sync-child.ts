/**
 * Child process for the sync crash test: opens the encrypted record in <dir> and syncs with
 * <baseUrl> as the engine does — pushes its outbox, then pulls what others wrote for the patients
 * it follows — until done or killed (SIGKILL, at any moment).
 * argv: <dir> <baseUrl> <maxBundleEntries> <resources dir>.
 */
import { join } from 'node:path';
import { KeyFileKeychain } from '../../../native/keychain/key-file-keychain';
import { LocalRecord } from '../../../main/record/local-record';
import { createSearchRules } from '../../../main/record/search/search-rules-for-country';
import { createFetch } from '../../../main/sync/http-transport';
import { pull } from '../../../main/sync/pull';
import { pushOutboxWith } from '../../../main/sync/push';
import { pushClient, syncContext } from './push-harness';

const [dir, baseUrl, bundle, resourcesDir] = process.argv.slice(2) as [string, string, string, string];
const record = await LocalRecord.open({
  databasePath: join(dir, 'record', 'tabib.db'),
  keyPath: join(dir, 'record', 'tabib.key.wrapped'),
  keychain: new KeyFileKeychain(join(dir, 'keychain', 'wrapping.key')),
  allowWeakKeychain: true,
  workstation: { id: '3f1d2c8e-0000-4000-8000-000000000001', facilityId: 'CS-0001' },
  rules: createSearchRules(resourcesDir, 'MA'),
});
const transport = createFetch();
process.stdout.write('ready\n');
const context = syncContext(record, pushClient(baseUrl, transport.fetch, 1));
const pushed = await pushOutboxWith(context, { maxBundleEntries: Number(bundle) });
const pulled = await pull(context, { pageSize: 10 });
const report = { pushed, pulled };
process.stdout.write(`done ${JSON.stringify(report)}\n`);
record.close();
await transport.close();
process.exit(0);
