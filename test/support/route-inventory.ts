// Every HTTP route the server registers, read off the express app itself, so that the security
// tests cover routes added later without being told; and the routes docs/API.md documents.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COLLECTION_INPUTS } from '../../server/http/draft-inputs.ts';
import { createApp, type AppDeps } from '../../server/http/app.ts';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express syntax, e.g. /api/draft/users/:id (no trailing slash). */
  path: string;
}

/**
 * The app is built with stand-in dependencies: building it only wires routers, and any property of
 * a stand-in is another stand-in, so routes added with new dependencies are still listed.
 */
function standIn(): any {
  const target = function () {};
  return new Proxy(target, {
    get: (_target, property) => {
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive) return () => 1;
      return standIn();
    },
    apply: () => standIn(),
    construct: () => standIn(),
  });
}

export function registeredRoutes(): Route[] {
  const deps = new Proxy({} as AppDeps, {
    get: (_target, property) => {
      if (property === 'clientDir') return '/nonexistent';
      if (property === 'sessionHours') return 1;
      return standIn();
    },
  });
  const app = createApp(deps) as unknown as { router: { stack: Layer[] } };
  const routes: Route[] = [];
  walk(app.router.stack, '', routes);
  return dedupe(routes.filter((r) => r.path.startsWith('/api/') || r.path === '/healthz'));
}

interface Layer {
  rawPath?: unknown;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: Layer[], prefix: string, routes: Route[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const method of Object.keys(layer.route.methods)) {
          const upper = method.toUpperCase();
          if (upper === '_ALL' || upper === 'HEAD' || upper === 'OPTIONS') continue;
          routes.push({ method: upper as Route['method'], path: trimSlash(prefix + path) });
        }
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, prefix + mount, routes);
    }
  }
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

function dedupe(routes: Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `METHOD /path` as written in docs/API.md, `<collection>` expanded to each collection's path. */
export function documentedRoutes(): Route[] {
  const text = readFileSync(fileURLToPath(new URL('../../docs/API.md', import.meta.url)), 'utf8');
  const routes: Route[] = [];
  for (const match of text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^\s`?]*)/g)) {
    const path = trimSlash(match[2]!);
    const expanded = path.includes('<collection>') ? Object.values(COLLECTION_INPUTS).map((input) => path.replace('<collection>', input.path)) : [path];
    for (const p of expanded) routes.push({ method: match[1] as Route['method'], path: p });
  }
  return dedupe(routes);
}

/** Two paths name the same route when they differ only in their parameters' names. */
export function sameRoute(a: Route, b: Route): boolean {
  const shape = (path: string) => path.replace(/:[A-Za-z_]+/g, ':');
  return a.method === b.method && shape(a.path) === shape(b.path);
}
