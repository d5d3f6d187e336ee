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
