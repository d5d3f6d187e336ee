// Multi-page build of the browser apps: each page is one entry, built into dist/ under its own folder,
// so the server can serve dist/ statically (the portal at /portal/).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const client = fileURLToPath(new URL('./client', import.meta.url));

/** One line per page; the key names the page in the build output. */
const pages: Record<string, string> = {
  portal: resolve(client, 'portal/index.html'),
  phone: resolve(client, 'phone/index.html'),
  call: resolve(client, 'call/index.html'),
};

export default defineConfig({
  root: client,
  base: '/',
  // tsconfig.json says the same; stated here too so the build never falls back to React's runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npx vite` serves the pages with hot reload; the API comes from a running server (npm run dev).
  server: { proxy: { '/api': process.env.SWITCHBOARD_URL ?? 'http://localhost:8080' } },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    rolldownOptions: { input: pages },
  },
});
