// JUnit XML for CI: one <testsuite> per scenario file, one <testcase> per scenario; a failed
// scenario's <failure> lists its failed checks, and <system-out> what the call did.
import type { ScenarioResult } from './run-scenario.ts';

export function junitXml(results: ScenarioResult[], elapsedMs: number): string {
  const files = [...new Set(results.map((r) => r.file))];
  const failures = results.filter((r) => !r.passed).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="Switchboard call flows" tests="${results.length}" failures="${failures}" errors="0" time="${time(elapsedMs)}">`];
  for (const file of files) {
    const inFile = results.filter((r) => r.file === file);
    const fileFailures = inFile.filter((r) => !r.passed).length;
    const fileTime = inFile.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(`  <testsuite name="${xml(file)}" tests="${inFile.length}" failures="${fileFailures}" errors="0" time="${time(fileTime)}">`);
    for (const result of inFile) {
      lines.push(`    <testcase classname="${xml(classname(file))}" name="${xml(result.name)}" time="${time(result.durationMs)}">`);
      if (!result.passed) {
        const failed = result.checks.filter((c) => !c.passed);
        const message = result.error ? `could not run: ${result.error}` : failed.map((c) => `${c.expectation}: ${c.detail}`).join('; ');
        const body = [...(result.error ? [`could not run: ${result.error}`] : []), ...result.checks.map((c) => `${c.passed ? 'ok  ' : 'FAIL'} ${c.expectation}: ${c.detail}`)].join('\n');
        lines.push(`      <failure message="${xml(firstLine(message))}" type="expectation">${xml(body)}</failure>`);
      }
      const out = [...result.checks.filter((c) => c.passed).map((c) => `ok ${c.expectation}: ${c.detail}`), ...(result.summary ? [`call ${result.callId}: ${result.summary}`] : [])];
      if (out.length > 0) lines.push(`      <system-out>${xml(out.join('\n'))}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function time(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** examples/flows/voicemail.yaml → examples.flows.voicemail, as CI tools group test classes. */
function classname(file: string): string {
  return file.replace(/\.(ya?ml)$/i, '').replace(/^\.?\/+/, '').replace(/[\\/]+/g, '.');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

/** Text safe in an XML attribute or element: the five entities, and no control characters XML 1.0 forbids. */
export function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '�')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
