// The composition root: reads the settings, opens storage, wires the parts and starts listening.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigStore } from '../data/config-store.ts';
import { createDefaultConfig } from '../data/default-config.ts';
import { AdminAccounts } from './auth/admin-accounts.ts';
import { LoginGuard } from './auth/login-guard.ts';
import { generatePassword, hashPassword } from './auth/passwords.ts';
import { Sessions } from './auth/sessions.ts';
import { readEnvironment } from './environment.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';

const FIFTEEN_MINUTES = 15 * 60_000;

async function main(): Promise<void> {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL);
  const dataDir = resolve(env.DATA_DIR);
  await mkdir(dataDir, { recursive: true });

  const { accounts: admins, generatedPassword } = await AdminAccounts.open(dataDir, env.ADMIN_PASSWORD);
  const firstUserPasswords: Record<string, string> = {};
  const store = await ConfigStore.open(dataDir, async () => {
    const passwords = { '101': generatePassword(8), '102': generatePassword(8) };
    Object.assign(firstUserPasswords, passwords);
    return createDefaultConfig({ '101': await hashPassword(passwords['101']), '102': await hashPassword(passwords['102']) });
  });
  const sessions = await Sessions.open(dataDir, env.SESSION_HOURS * 3600_000);

  const app = createApp({
    store,
    admins,
    sessions,
    accountGuard: new LoginGuard({ maxFailures: 5, lockMs: FIFTEEN_MINUTES }),
    addressGuard: new LoginGuard({ maxFailures: 50, lockMs: FIFTEEN_MINUTES }),
    logger,
    clientDir: fileURLToPath(new URL('../dist', import.meta.url)),
    sessionHours: env.SESSION_HOURS,
    secureCookies: false,
  });
  const server = createServer(app);
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ port, dataDir, productionVersion: store.production.version }, `Switchboard listening on http://localhost:${port}/`);
    printFirstStartCredentials(port, generatedPassword, firstUserPasswords);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Shown once, on the first start only: nobody could log in otherwise. */
function printFirstStartCredentials(port: number, adminPassword: string | null, userPasswords: Record<string, string>): void {
  const lines: string[] = [];
  if (adminPassword) lines.push(`Portal:    http://localhost:${port}/portal/  name: admin  password: ${adminPassword}`);
  for (const [extension, password] of Object.entries(userPasswords)) {
    lines.push(`Softphone: extension ${extension}  password: ${password}`);
  }
  if (lines.length === 0) return;
  const rule = '-'.repeat(72);
  process.stdout.write(`\n${rule}\nFirst start: these logins are shown only now.\n${lines.join('\n')}\n${rule}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Switchboard failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
