// JUnit XML from scenario results, read back by a real XML parser (Chromium's): counts, one suite
// per file, failures with their reasons, and text that would break XML (quotes, <, &, control
// characters) kept readable.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { junitXml } from '../../flow/junit.ts';
import type { ScenarioResult } from '../../flow/run-scenario.ts';
import { parseXml } from '../support/xml.ts';

const test = suite('flow JUnit XML');

const results: ScenarioResult[] = [
  {
    file: 'examples/flows/sales.yaml',
    name: 'Sales takes a message <"quoted"> & more',
    passed: true,
    durationMs: 12_345,
    callId: 'c-1',
    summary: 'voicemail vm-sales → played voicemail-greeting',
    checks: [{ expectation: 'reached voicemail box Sales', passed: true, detail: 'at 0.0 s' }],
  },
  {
    file: 'examples/flows/sales.yaml',
    name: 'Second in the same file',
    passed: false,
    durationMs: 2_000,
    callId: 'c-2',
    summary: 'played busy → ended by the pbx (busy)',
    checks: [
      { expectation: 'heard the prompt busy', passed: true, detail: 'at 0.1 s–3.8 s' },
      { expectation: 'reached user Bob Durand (102)', passed: false, detail: 'the call never got there: played busy\u0007 & <end>' },
    ],
  },
  { file: 'flows/other.yml', name: 'Could not run', passed: false, durationMs: 10, checks: [], error: 'no user "105" in the configuration' },
];

test('counts, suites per file, failures with reasons; special characters survive', async () => {
  const root = await parseXml(junitXml(results, 15_000));
  assert.is(root.name, 'testsuites');
  assert.equal(root.attributes, { name: 'Switchboard call flows', tests: '3', failures: '2', errors: '0', time: '15.000' });
  assert.equal(root.children.map((s) => [s.name, s.attributes.name, s.attributes.tests, s.attributes.failures]), [
    ['testsuite', 'examples/flows/sales.yaml', '2', '1'],
    ['testsuite', 'flows/other.yml', '1', '1'],
  ]);
  const [first, second] = root.children[0]!.children;
  assert.equal(first!.attributes, { classname: 'examples.flows.sales', name: 'Sales takes a message <"quoted"> & more', time: '12.345' });
  assert.equal(first!.children.map((c) => c.name), ['system-out']);
  assert.match(first!.children[0]!.text, /ok reached voicemail box Sales: at 0\.0 s/);
  const failure = second!.children.find((c) => c.name === 'failure')!;
  assert.is(failure.attributes.message, 'reached user Bob Durand (102): the call never got there: played busy� & <end>');
  assert.match(failure.text, /ok   heard the prompt busy: at 0\.1 s–3\.8 s\nFAIL reached user Bob Durand \(102\)/);
  const couldNotRun = root.children[1]!.children[0]!;
  assert.is(couldNotRun.children[0]!.attributes.message, 'could not run: no user "105" in the configuration');
});

test('the parser used here does refuse XML that is not well-formed', async () => {
  try {
    await parseXml('<testsuites><testsuite name="a & b"></testsuites>');
    assert.unreachable('accepted broken XML');
  } catch (error) {
    assert.match((error as Error).message, /not well-formed XML/);
  }
});

test.run();
