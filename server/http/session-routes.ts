// Logging in and out, for admins (portal) and users (softphone), with brute-force lockout.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { ConfigStore } from '../../data/config-store.ts';
import type { AdminAccounts } from '../auth/admin-accounts.ts';
import type { LoginGuard } from '../auth/login-guard.ts';
import { verifyAccountPassword } from '../auth/passwords.ts';
import type { SessionIdentity, Sessions } from '../auth/sessions.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'sb_session';

const AdminLogin = z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(200) });
const PhoneLogin = z.object({ extension: z.string().min(1).max(20), password: z.string().min(1).max(200) });

export interface SessionRouteDeps {
  sessions: Sessions;
  admins: AdminAccounts;
  store: ConfigStore;
  accountGuard: LoginGuard;
  addressGuard: LoginGuard;
  sessionHours: number;
  secureCookies: boolean;
}

export function identityOf(response: Response): SessionIdentity | null {
  return (response.locals.identity as SessionIdentity | undefined) ?? null;
}

/** Reads the session cookie; routes decide what they need with the guards below. */
export function loadSession(sessions: Sessions): RequestHandler {
  return (request, response, next) => {
    response.locals.identity = sessions.find(request.cookies?.[SESSION_COOKIE]);
    next();
  };
}

export const requireSession: RequestHandler = (_request, response, next) => {
  next(identityOf(response) ? undefined : new HttpError(401, 'Log in first'));
};

export const requireAdmin: RequestHandler = (_request, response, next) => {
  const identity = identityOf(response);
  if (!identity) next(new HttpError(401, 'Log in first'));
  else if (identity.kind !== 'admin') next(new HttpError(403, 'Administrators only'));
  else next();
};

export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = Router();

  /** Checks the guards, runs the password check, and starts a session when it passes. */
  const login = async (request: Request, response: Response, accountKey: string, check: () => Promise<SessionIdentity | null>) => {
    const addressKey = `address:${request.ip}`;
    for (const key of [accountKey, addressKey]) {
      const lockedUntil = key === accountKey ? deps.accountGuard.lockedUntil(key) : deps.addressGuard.lockedUntil(key);
      if (lockedUntil) {
        throw new HttpError(423, `Too many wrong passwords: locked until ${lockedUntil.toISOString()}`, { lockedUntil: lockedUntil.toISOString() });
      }
    }
    const identity = await check();
    if (!identity) {
      deps.accountGuard.recordFailure(accountKey);
      deps.addressGuard.recordFailure(addressKey);
      throw new HttpError(401, 'Wrong name or password');
    }
    deps.accountGuard.recordSuccess(accountKey);
    await deps.sessions.end(request.cookies?.[SESSION_COOKIE]);
    const token = await deps.sessions.start(identity);
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: deps.sessionHours * 3600_000,
    });
    response.json(identity);
  };

  router.post('/session', async (request, response) => {
    const { name, password } = AdminLogin.parse(request.body);
    await login(request, response, `admin:${name}`, async () =>
      (await deps.admins.verify(name, password)) ? { kind: 'admin', name } : null);
  });

  router.post('/phone/session', async (request, response) => {
    const { extension, password } = PhoneLogin.parse(request.body);
    await login(request, response, `user:${extension}`, async () => {
      const user = deps.store.production.config.users.find((u) => u.extension === extension);
      const ok = await verifyAccountPassword(password, user?.passwordHash);
      return ok && user ? { kind: 'user', userId: user.id, extension: user.extension, name: user.name } : null;
    });
  });

  router.get('/session', requireSession, (_request, response) => {
    response.json(identityOf(response));
  });

  router.delete('/session', async (request, response) => {
    await deps.sessions.end(request.cookies?.[SESSION_COOKIE]);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.status(204).end();
  });

  return router;
}
