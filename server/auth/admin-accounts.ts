// Administrator accounts, kept apart from the PBX configuration: they are not drafted nor applied.
import { join } from 'node:path';
import { z } from 'zod';
import { JsonDocument } from '../../data/json-document.ts';
import { generatePassword, hashPassword, verifyAccountPassword } from './passwords.ts';

const AdminAccount = z.object({ name: z.string().min(1), passwordHash: z.string().min(1), createdAt: z.string() });
const AdminAccountsFile = z.object({ admins: z.array(AdminAccount) });

export class AdminAccounts {
  private constructor(private readonly file: JsonDocument<typeof AdminAccountsFile>) {}

  /**
   * Opens the accounts file. On first start it creates `admin` with `initialPassword`, or with a
   * generated one, which is returned so the caller can show it once.
   */
  static async open(dataDir: string, initialPassword: string | undefined): Promise<{ accounts: AdminAccounts; generatedPassword: string | null }> {
    const file = await JsonDocument.openAtStart(join(dataDir, 'admins.json'), AdminAccountsFile);
    let generatedPassword: string | null = null;
    if (file.data === null || file.data.admins.length === 0) {
      const password = initialPassword ?? (generatedPassword = generatePassword());
      await file.write({ admins: [{ name: 'admin', passwordHash: await hashPassword(password), createdAt: new Date().toISOString() }] });
    }
    return { accounts: new AdminAccounts(file), generatedPassword };
  }

  async verify(name: string, password: string): Promise<boolean> {
    const account = this.file.data!.admins.find((a) => a.name === name);
    return verifyAccountPassword(password, account?.passwordHash);
  }
}
