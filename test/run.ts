// `npm test`: runs every test file (test/**/*.test.ts) in its own process, two at a time; then
// builds the browser apps once and runs the files that need the machine alone (browser tests, the
// load test) one after the other; ends with the line "N passed, N failed" counting test cases
// across all files.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FILE_TIME_LIMIT_MS = 15 * 60_000;
/** Browser tests start servers and Chromium: run them one at a time, the rest two at a time. */
const PARALLEL_UNIT_FILES = 2;
/** Tests that need the machine to themselves: the browser tests, and the load test (its figures are the machine's). */
const runsAlone = (file: string) => file.includes(join('test', 'browser')) || file.includes('webrtc') || file.endsWith('load.test.ts');

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  output: string;
}

async function findTestFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await findTestFiles(path)));
    else if (entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files.sort();
}

function run(command: string, args: string[], echo: boolean): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${FILE_TIME_LIMIT_MS / 60_000} minutes)\n`;
      child.kill('SIGKILL');
    }, FILE_TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function runTestFile(file: string, echo: boolean): Promise<FileResult> {
  const { code, output } = await run(process.execPath, ['--import', 'tsx', file], echo);
  const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
  // A file that crashed before its summary, or exited non-zero, counts at least one failure.
  const failed = Math.max(total - passed, code === 0 && total > 0 ? 0 : 1);
  return { file: relative(root, file), passed, failed, output };
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = (await findTestFiles(join(root, 'test'))).filter((f) => !filter || f.includes(filter));
  const aloneFiles = files.filter(runsAlone);
  const unitFiles = files.filter((f) => !runsAlone(f));
  const results: FileResult[] = [];

  const queue = [...unitFiles];
  await Promise.all(
    Array.from({ length: PARALLEL_UNIT_FILES }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const result = await runTestFile(file, false);
        process.stdout.write(`\n=== ${result.file}\n${result.output}`);
        results.push(result);
      }
    }),
  );

  if (aloneFiles.length > 0) {
    process.stdout.write('\n=== building the browser apps (vite build)\n');
    const build = await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], true);
    if (build.code !== 0) results.push({ file: 'vite build', passed: 0, failed: 1, output: build.output });
    else {
      for (const file of aloneFiles) {
        process.stdout.write(`\n=== ${relative(root, file)}\n`);
        results.push(await runTestFile(file, true));
      }
    }
  }

  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  process.stdout.write('\n');
  for (const result of results.filter((r) => r.failed > 0)) process.stdout.write(`FAILED: ${result.file} (${result.failed})\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 || files.length === 0 ? 1 : 0);
}

await main();
