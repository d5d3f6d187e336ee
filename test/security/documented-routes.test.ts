// docs/API.md is the contract an integrator reads: every route the server registers is in it, and
// it names no route that does not exist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentedRoutes, registeredRoutes, sameRoute } from '../support/route-inventory.ts';

const describe = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

test('every registered route is documented in docs/API.md', () => {
  const documented = documentedRoutes();
  const missing = registeredRoutes().filter((route) => !documented.some((d) => sameRoute(d, route)));
  assert.equal(missing.map(describe), []);
});

test('docs/API.md documents no route the server lacks', () => {
  const registered = registeredRoutes();
  assert.ok(registered.length >= 50);
  const extra = documentedRoutes().filter((route) => !registered.some((r) => sameRoute(r, route)));
  assert.equal(extra.map(describe), []);
});

test.run();
