// Every setting of the server, read once from the environment. The README lists them with defaults.
import { z } from 'zod';

const Environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./var'),
  /** Used only on first start, when no admin account exists yet; otherwise one is generated and printed. */
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must have at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_HOURS: z.coerce.number().positive().default(12),
  /** Addresses announced to browsers for media, comma-separated; empty: 127.0.0.1 and this machine's. */
  MEDIA_ADDRESSES: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((a) => a.trim()).filter(Boolean)),
  MEDIA_PORT_MIN: z.coerce.number().int().min(1024).max(65535).optional(),
  MEDIA_PORT_MAX: z.coerce.number().int().min(1024).max(65535).optional(),
  /** Largest audio file accepted for upload (music on hold, audio messages), in megabytes. */
  AUDIO_UPLOAD_MAX_MB: z.coerce.number().positive().default(50),
  PUBLIC_CALLS_MAX: z.coerce.number().int().min(0).default(10),
  PUBLIC_CALLS_PER_ADDRESS: z.coerce.number().int().min(0).default(2),
  /** Where e-mail notices go out, e.g. smtp://127.0.0.1:2525; empty: they wait in the outbox. */
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((url) => url || undefined)
    .refine((url) => url === undefined || /^smtps?:\/\/[^/]/.test(url), 'SMTP_URL must look like smtp://host:port or smtps://user:password@host'),
  /** The sender of e-mail notices. */
  MAIL_FROM: z.string().trim().min(3).default('Switchboard <switchboard@localhost>'),
  /** The PBX's address as people reach it, for links in e-mails; default http://localhost:PORT. */
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((url) => (url ? url.replace(/\/+$/, '') : undefined))
    .refine((url) => url === undefined || /^https?:\/\/[^/]/.test(url), 'PUBLIC_URL must start with http:// or https://'),
  /** Shared with the carrier adapter that signs SMS webhook requests; unset: POST /api/sms/inbound answers 503. */
  SMS_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((secret) => secret || undefined)
    .refine((secret) => secret === undefined || secret.length >= 16, 'SMS_WEBHOOK_SECRET must have at least 16 characters'),
  /** Tests only: "1" opens PUT /api/test/clock, which sets the PBX's clock (opening hours). */
  TEST_CLOCK: z.enum(['0', '1']).default('0'),
}).refine((env) => (env.MEDIA_PORT_MIN === undefined) === (env.MEDIA_PORT_MAX === undefined), {
  message: 'set both MEDIA_PORT_MIN and MEDIA_PORT_MAX, or neither',
  path: ['MEDIA_PORT_MIN'],
}).refine((env) => env.MEDIA_PORT_MIN === undefined || env.MEDIA_PORT_MIN <= env.MEDIA_PORT_MAX!, {
  message: 'MEDIA_PORT_MIN must not be above MEDIA_PORT_MAX',
  path: ['MEDIA_PORT_MIN'],
});
export type Environment = z.infer<typeof Environment>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid settings:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
