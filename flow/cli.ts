// `npm run flow -- [options] FILE...`: runs call-flow scenarios (YAML) against an embedded PBX
// seeded with a production configuration, or against a running one (--url), prints a report,
// writes JUnit XML with --junit, and exits 0 when every scenario passed, 1 otherwise.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { junitXml } from './junit.ts';
import { connectToPbx, startEmbeddedPbx, type FlowPbx } from './pbx.ts';
import { formatResult, formatSummary } from './report.ts';
import { runScenarios } from './runner.ts';
import { loadScenarioFile, ScenarioFileError, type LoadedScenario } from './scenario.ts';

const USAGE = `Usage: npm run flow -- [options] FILE...

Runs the call-flow scenarios in FILE... (YAML; see "Testing call flows" in README.md).

  --config FILE          embedded PBX seeded with this production configuration (JSON or YAML:
                         a configuration, or production.json / GET /api/production); default:
                         the embedded default configuration
  --url URL              test a running PBX instead (its production configuration)
  --admin NAME           admin name for --url (default admin)
  --admin-password PASS  admin password for --url (or SWITCHBOARD_ADMIN_PASSWORD)
  --password EXT=PASS    a softphone user's password for --url (repeatable; or
                         SWITCHBOARD_PASSWORD_<EXT>, or password: in the scenario)
  --public-calls N       the running PBX's PUBLIC_CALLS_PER_ADDRESS (default 2)
  --parallel N           scenarios at once, at most (default 4)
  --junit FILE           also write the results as JUnit XML
  --keep-data            keep the embedded PBX's DATA_DIR and log
  --help
`;

/** A stall of the runner's own loop that long delays the phones' audio enough to matter. */
const STALL_WORTH_SAYING_MS = 250;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        url: { type: 'string' },
        admin: { type: 'string', default: 'admin' },
        'admin-password': { type: 'string' },
        password: { type: 'string', multiple: true, default: [] },
        'public-calls': { type: 'string', default: '2' },
        parallel: { type: 'string', default: '4' },
        junit: { type: 'string' },
        'keep-data': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`No scenario file given.\n\n${USAGE}`);
    return 1;
  }
  const parallel = Number(values.parallel);
  const publicCalls = Number(values['public-calls']);
  if (!(Number.isInteger(parallel) && parallel >= 1) || !(Number.isInteger(publicCalls) && publicCalls >= 1)) {
    process.stderr.write('--parallel and --public-calls take a whole number of at least 1\n');
    return 1;
  }
  if (values.url && values.config) {
    process.stderr.write('--config seeds an embedded PBX; with --url the running PBX\'s production is used: give one or the other\n');
    return 1;
  }

  // Every file is read and checked before any PBX starts: all mistakes at once, with their lines.
  const scenarios: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const file of positionals) {
    try {
      const shown = relative(process.cwd(), file);
      scenarios.push(...(await loadScenarioFile(shown && !shown.startsWith('..') ? shown : file)));
    } catch (error) {
      problems.push(error instanceof ScenarioFileError ? error.message : `${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`Scenario files with problems (nothing was run):\n${problems.join('\n')}\n`);
    return 1;
  }

  const started = performance.now();
  let pbx: FlowPbx;
  try {
    if (values.url) {
      const adminPassword = values['admin-password'] ?? process.env.SWITCHBOARD_ADMIN_PASSWORD;
      if (!adminPassword) {
        process.stderr.write('--url needs the admin password: --admin-password or SWITCHBOARD_ADMIN_PASSWORD (traces, messages and the outbox are admin-only)\n');
        return 1;
      }
      const passwords: Record<string, string> = {};
      for (const entry of values.password) {
        const [extension, ...rest] = entry.split('=');
        if (!extension || rest.length === 0) {
          process.stderr.write(`--password ${entry}: write EXT=PASSWORD\n`);
          return 1;
        }
        passwords[extension] = rest.join('=');
      }
      pbx = await connectToPbx({ url: values.url, adminName: values.admin, adminPassword, passwords, publicCallsPerAddress: publicCalls });
    } else {
      process.stdout.write('Starting an embedded PBX…\n');
      pbx = await startEmbeddedPbx({ configFile: values.config, keepData: values['keep-data'], log: (line) => process.stdout.write(`${line}\n`) });
    }
  } catch (error) {
    process.stderr.write(`Cannot test against the PBX: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  try {
    const limit = Math.min(parallel, pbx.publicCallsPerAddress);
    process.stdout.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} against ${pbx.description}; up to ${limit} at once\n\n`);
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const scenariosStarted = performance.now();
    const results = await runScenarios(scenarios, pbx, { parallel, onResult: (result) => process.stdout.write(`${formatResult(result)}\n\n`) });
    const elapsed = performance.now() - started;
    process.stdout.write(`${formatSummary(results, performance.now() - scenariosStarted)}\n`);
    stalls.disable();
    const worstStallMs = stalls.max / 1e6;
    if (worstStallMs > STALL_WORTH_SAYING_MS) {
      process.stdout.write(`Note: this process, which carries every phone, stalled up to ${(worstStallMs / 1000).toFixed(1)} s (a busy machine?): what a caller heard and when may be off.\n`);
    }
    if (values.junit) {
      await writeFile(values.junit, junitXml(results, elapsed));
      process.stdout.write(`JUnit XML: ${values.junit}\n`);
    }
    return results.every((result) => result.passed) ? 0 : 1;
  } finally {
    await pbx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm run flow failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
