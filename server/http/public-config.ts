// The configuration as the API shows it: password hashes never leave the server.
import type { PbxConfig, User } from '../../data/schema.ts';

export type PublicUser = Omit<User, 'passwordHash'>;
export type PublicConfig = Omit<PbxConfig, 'users'> & { users: PublicUser[] };

export function publicUser({ passwordHash: _hidden, ...user }: User): PublicUser {
  return user;
}

export function publicConfig(config: PbxConfig): PublicConfig {
  return { ...config, users: config.users.map(publicUser) };
}

export function publicEntity(entity: object): object {
  return 'passwordHash' in entity ? publicUser(entity as User) : entity;
}
