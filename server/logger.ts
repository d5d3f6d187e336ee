// Structured logs: one JSON line per event, pretty-printed when a person watches a terminal.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'test';
  return pino({
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
