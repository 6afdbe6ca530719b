// A pg-boss archive runner in a process of its own, killed by the test (pg-boss-archive.test.ts)
// while it holds the job: it queues the archive of the document given, takes the job, says
// "started" and never finishes. Usage: tsx archive-crash-child.ts <database url> <document id>
import { PgBossArchiveJobs } from '../../src/jobs/pg-boss-archive-jobs.js';
import { CRASH_JOB_SETTINGS } from './archive-jobs-support.js';

const [url, documentId] = process.argv.slice(2);
if (!url || !documentId) throw new Error('usage: archive-crash-child.ts <database url> <document id>');
const jobs = await PgBossArchiveJobs.start(
  {
    archive: () => {
      process.stdout.write('started\n');
      return new Promise(() => undefined); // holds the job until the process is killed
    },
    due: () => Promise.resolve([]),
  },
  { connectionString: url, ...CRASH_JOB_SETTINGS, onError: (err) => process.stderr.write(`${String(err)}\n`) },
);
await jobs.enqueueArchive(documentId);
