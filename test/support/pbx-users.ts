// Users and incoming numbers for tests and the bench, through the admin API as an admin would:
// add them to the draft, then Apply changes.
import { ApiClient } from './api-client.ts';

export interface PhoneUser {
  id: string;
  extension: string;
  password: string;
  name: string;
}

/** An admin session on the server (`test-admin-password` from startServer). */
export async function adminSession(baseUrl: string, password: string): Promise<ApiClient> {
  const admin = new ApiClient(baseUrl);
  const response = await admin.loginAdmin(password);
  if (response.status !== 200) throw new Error(`admin login: ${response.status}`);
  return admin;
}

/** Adds users (voicemail off) to the draft; each password is hashed by the server (~80 ms each). */
export async function addUsers(admin: ApiClient, users: { extension: string; password: string; name: string }[]): Promise<PhoneUser[]> {
  const added: PhoneUser[] = [];
  for (const user of users) {
    const response = await admin.post('/api/draft/users', { ...user, email: `u${user.extension}@example.test`, voicemail: false });
    if (response.status !== 201) throw new Error(`add user ${user.extension}: ${response.status} ${JSON.stringify(response.body)}`);
    added.push({ ...user, id: response.body.entity.id });
  }
  return added;
}

/** Adds an incoming number that rings `userId`. */
export async function addIncomingNumber(admin: ApiClient, number: string, userId: string): Promise<void> {
  const response = await admin.post('/api/draft/incoming-numbers', {
    number,
    label: `Line ${number}`,
    destination: { type: 'user', userId },
    preAnswerMessageId: null,
    smsCompatible: false,
    smsEmail: '',
  });
  if (response.status !== 201) throw new Error(`add number ${number}: ${response.status} ${JSON.stringify(response.body)}`);
}

export async function applyDraft(admin: ApiClient): Promise<void> {
  const response = await admin.post('/api/draft/apply');
  if (response.status !== 200) throw new Error(`apply: ${response.status} ${JSON.stringify(response.body)}`);
}
