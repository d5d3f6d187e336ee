// `npm start` runs the PBX with the same Node flags as the tests' servers and `npm run flow`
// (server/node-flags.ts), so that what the tests measure is what runs.
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.ts';

test('npm start and npm run dev pass every server flag to node', async () => {
  const { scripts } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  for (const script of ['start', 'dev']) {
    const node = scripts[script]!.split('&&').map((part) => part.trim()).find((part) => part.startsWith('node '));
    assert.ok(node, `${script} runs node`);
    for (const flag of SERVER_NODE_FLAGS) assert.ok(node.split(/\s+/).includes(flag), `${script} passes ${flag}: ${node}`);
  }
});

test.run();
