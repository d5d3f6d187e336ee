// The run in words for a terminal: each scenario with its checks, why a failed one failed and
// what the call did, then the count.
import type { ScenarioResult } from './run-scenario.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatResult(result: ScenarioResult): string {
  const lines = [`${result.passed ? 'PASS' : 'FAIL'}  ${result.name}  (${result.file}, ${seconds(result.durationMs)})`];
  if (result.error) lines.push(`      ✗ could not run: ${result.error}`);
  for (const check of result.checks) lines.push(`      ${check.passed ? '✓' : '✗'} ${check.expectation}: ${check.detail}`);
  if (!result.passed && result.summary) lines.push(`      the call: ${result.summary}`);
  return lines.join('\n');
}

/** `scenariosMs`: from the first scenario's start to the last one's end (the PBX's start left out). */
export function formatSummary(results: ScenarioResult[], scenariosMs: number): string {
  const failed = results.filter((r) => !r.passed).length;
  const passed = results.length - failed;
  const list = failed > 0 ? `\nFailed:\n${results.filter((r) => !r.passed).map((r) => `  - ${r.name} (${r.file})`).join('\n')}` : '';
  const oneByOne = results.reduce((sum, r) => sum + r.durationMs, 0);
  const count = `${results.length} scenario${results.length === 1 ? '' : 's'} in ${seconds(scenariosMs)}`;
  const parallel = results.length > 1 ? `; one after the other: ${seconds(oneByOne)}` : '';
  return `${list}\n${passed} passed, ${failed} failed (${count}${parallel})`;
}
