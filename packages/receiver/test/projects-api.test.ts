import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ ui: false });
});
afterAll(() => receiver.close());

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('GET /api/public/projects', () => {
  it("names the keys' project, as Langfuse's Projects answer", async () => {
    const response = await fetch(`${receiver.url}/api/public/projects`, { headers: { authorization: basic(receiver.publicKey, receiver.secretKey) } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [{ id: 'local-project', name: 'otel-langfuse receiver', organization: { id: 'local-org', name: 'local' }, metadata: {} }] });
  });

  it('refuses wrong keys (401) and other methods (405)', async () => {
    const wrong = await fetch(`${receiver.url}/api/public/projects`, { headers: { authorization: basic(receiver.publicKey, 'sk-lf-wrong') } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('sk-lf-wrong');
    const post = await fetch(`${receiver.url}/api/public/projects`, { method: 'POST', headers: { authorization: basic(receiver.publicKey, receiver.secretKey) } });
    expect(post.status).toBe(405);
  });
});
