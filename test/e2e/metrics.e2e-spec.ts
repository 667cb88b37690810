import { FakeScimTarget, startFakeScimTarget } from '../support/fake-scim-target';
import { byUserName, createUser, registerTarget, waitFor } from '../support/provisioning-helpers';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

/** GET /metrics: prom-client's exposition, the gateway's series as before plus the process's own. */
describe('metrics', () => {
  let t: TestApp;
  let target: FakeScimTarget;

  beforeAll(async () => {
    target = await startFakeScimTarget();
    t = await startTestApp({ env: { PROVISIONING_POLL_MS: '50' } });
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const scrape = async () => {
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it("exposes the process's CPU, memory, event-loop lag and GC, and the gateway's series by target name", async () => {
    const id = await registerTarget(t, target, { name: 'metrics-app' });
    await createUser(t, 'metrics@example.com');
    await waitFor('the user delivered', () => byUserName(target, 'metrics@example.com'));
    // The delivery is counted when its log entry is written, its latency once the queue row is completed after it.
    const text = await waitFor('the delivery counted and its latency observed', async () => {
      const body = await scrape();
      const counted =
        /scim_gateway_provisioning_deliveries_total\{target="metrics-app",action="Create",status="Success"\} 1/.test(
          body,
        );
      return counted &&
        /^scim_gateway_provisioning_latency_seconds_count\{target="metrics-app"\} 1$/m.test(body)
        ? body
        : undefined;
    });
    for (const series of [
      /^process_cpu_user_seconds_total \d/m,
      /^process_resident_memory_bytes \d/m,
      /^nodejs_eventloop_lag_seconds \d/m,
      /^nodejs_heap_size_used_bytes \d/m,
      /^# TYPE nodejs_gc_duration_seconds histogram/m,
      /^scim_gateway_inbound_requests_total\{surface="scim",method="POST",code="201"\} \d/m,
      /^scim_gateway_provisioning_pending\{target="metrics-app"\} \d+$/m,
      /^scim_gateway_provisioning_quarantined\{target="metrics-app"\} 0$/m,
      /^scim_gateway_provisioning_latency_seconds_count\{target="metrics-app"\} 1$/m,
    ])
      expect(text).toMatch(series);
    await t.admin('delete', `/targets/${id}`).expect(204);
  });

  it('answers 401 without a token and 403 with a SCIM token', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer test-scim-token-0123456789abcdef').expect(403);
  });
});
