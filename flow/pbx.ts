// The PBX a run talks to. Embedded: the real server (server/main.ts) as a child process on
// loopback, in a fresh DATA_DIR seeded with a production configuration (from --config, or the
// embedded default), every user given one throwaway password so scenario users can sign in, and a
// real SMTP server on loopback capturing the e-mails when smtp-server is installed. Remote
// (--url): a running PBX, read with an admin session; e-mails are checked through its outbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigStore } from '../data/config-store.ts';
import { SERVER_NODE_FLAGS } from '../server/node-flags.ts';
import { createDefaultConfig } from '../data/default-config.ts';
import { PbxConfig, User } from '../data/schema.ts';
import { validateConfig } from '../data/validate.ts';
import { generatePassword, hashPassword } from '../server/auth/passwords.ts';
import { AdminApi } from './admin-api.ts';
import { startMailCapture, type CapturedMail, type MailCapture } from './mail-capture.ts';

export interface FlowPbx {
  url: string;
  /** For the report: "embedded server (configuration: …)" or the URL. */
  description: string;
  embedded: boolean;
  admin: AdminApi;
  /** Production as the PBX has it now (users without password hashes). */
  config: PbxConfig;
  /** How many public calls may run at once from this machine. */
  publicCallsPerAddress: number;
  /** A user's softphone password, when the runner knows it. */
  passwordOf(extension: string): string | undefined;
  /** E-mails a real SMTP server received, when the runner runs one. */
  mails: CapturedMail[] | null;
  close(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
/** Embedded: the public caller limits out of the way, every scenario's caller comes from 127.0.0.1. */
const EMBEDDED_PUBLIC_CALLS = 1000;

export interface EmbeddedOptions {
  /** A production configuration file (JSON or YAML): a configuration, or `{ config }` as production.json and GET /api/production have it. */
  configFile?: string;
  /** Keep the DATA_DIR and the server's log (their path is printed). */
  keepData?: boolean;
  log?: (line: string) => void;
}

/** A configuration file may leave out password hashes: the runner gives every user its own. */
const ConfigFile = z.union([z.object({ config: z.unknown() }).loose().transform((file) => file.config), z.unknown()]);
const UserWithoutPassword = User.extend({ passwordHash: z.string().optional() });

export async function loadConfigFile(file: string): Promise<PbxConfig & { users: z.output<typeof UserWithoutPassword>[] }> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: not JSON nor YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const candidate = ConfigFile.parse(raw);
  const parsed = PbxConfig.extend({ users: z.array(UserWithoutPassword) }).safeParse(candidate);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((issue) => `  ${issue.path.join('/') || '(file)'}: ${issue.message}`);
    throw new Error(`${file} is not a Switchboard configuration:\n${lines.join('\n')}`);
  }
  return parsed.data as PbxConfig & { users: z.output<typeof UserWithoutPassword>[] };
}

export async function startEmbeddedPbx(options: EmbeddedOptions = {}): Promise<FlowPbx> {
  const password = generatePassword(16);
  const hash = await hashPassword(password);
  let config: PbxConfig;
  if (options.configFile) {
    const loaded = await loadConfigFile(options.configFile);
    config = { ...loaded, users: loaded.users.map((user) => ({ ...user, passwordHash: hash })) };
    const problems = validateConfig(config);
    if (problems.length > 0) {
      throw new Error(`${options.configFile}: Apply changes would refuse this configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    }
  } else {
    config = createDefaultConfig({ '101': hash, '102': hash });
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-flow-'));
  await ConfigStore.open(dataDir, () => config);
  const capture = await startMailCapture();
  const adminPassword = generatePassword(16);
  const port = await freePort();
  const logPath = join(dataDir, 'server.log');
  const logFile = createWriteStream(logPath);
  const inherited = { ...process.env };
  delete inherited.SMTP_URL;
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: adminPassword,
      MEDIA_ADDRESSES: '127.0.0.1',
      PUBLIC_CALLS_MAX: String(EMBEDDED_PUBLIC_CALLS),
      PUBLIC_CALLS_PER_ADDRESS: String(EMBEDDED_PUBLIC_CALLS),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...(capture ? { SMTP_URL: `smtp://127.0.0.1:${capture.port}` } : {}),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Scenarios with `clock:` set it (opening hours).
      TEST_CLOCK: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await capture?.close();
    logFile.end();
    if (options.keepData) options.log?.(`DATA_DIR kept: ${dataDir} (server log: ${logPath})`);
    else await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, logPath);
    const admin = await AdminApi.login(url, 'admin', adminPassword);
    const production = await admin.production();
    return {
      url,
      description: `embedded server, configuration ${options.configFile ?? 'the default one (users 101 and 102, +33100000101 to 101)'}${capture ? ', e-mails to an SMTP server on loopback' : ''}`,
      embedded: true,
      admin,
      config: production.config,
      publicCallsPerAddress: EMBEDDED_PUBLIC_CALLS,
      passwordOf: (extension) => (config.users.some((u) => u.extension === extension) ? password : undefined),
      mails: capture?.mails ?? null,
      close: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface RemoteOptions {
  url: string;
  adminName: string;
  adminPassword: string;
  /** Softphone passwords by extension (--password 101=secret). */
  passwords: Record<string, string>;
  /** The server's PUBLIC_CALLS_PER_ADDRESS (2 unless it was changed). */
  publicCallsPerAddress: number;
}

export async function connectToPbx(options: RemoteOptions): Promise<FlowPbx> {
  const url = options.url.replace(/\/+$/, '');
  const admin = await AdminApi.login(url, options.adminName, options.adminPassword);
  const production = await admin.production();
  return {
    url,
    description: `${url} (production version ${production.version}), e-mails through its outbox`,
    embedded: false,
    admin,
    config: production.config,
    publicCallsPerAddress: options.publicCallsPerAddress,
    passwordOf: (extension) => options.passwords[extension] ?? process.env[`SWITCHBOARD_PASSWORD_${extension}`],
    mails: null,
    close: async () => {},
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the embedded server stopped at start (exit ${child.exitCode}):\n${await readFile(logPath, 'utf8').catch(() => '')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the embedded server did not start within 2 minutes (log: ${logPath})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type { MailCapture };
