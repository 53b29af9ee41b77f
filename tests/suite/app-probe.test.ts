import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/load.ts';
import { servedApps } from '../../harness/scenario/resolve.ts';
import { describeFailure } from '../../harness/suite/app-probe.ts';
import type { Observation } from '../../harness/results/observation.ts';

describe('watch names each failure in its protocol', async () => {
  const app = servedApps((await loadScenario()).resolved)[0]!;
  it.each<{ protocol: string; observation: Observation; named: string }>([
    { protocol: 'https', observation: { status: 502, backend: null, error: null }, named: 'status 502 (expected 200)' },
    { protocol: 'https', observation: { status: 200, backend: 'ns-x/other', error: null }, named: 'answered by ns-x/other' },
    { protocol: 'https', observation: { backend: null, error: 'ECONNREFUSED', details: { message: 'connect ECONNREFUSED 127.0.0.1:1' } }, named: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' },
    { protocol: 'grpc', observation: { status: 14, backend: null, error: 'Error', details: { message: '14 UNAVAILABLE: No connection established' } }, named: 'gRPC 14 UNAVAILABLE: No connection established' },
    { protocol: 'wss', observation: { status: 101, backend: app.id, error: 'ECLOSED', details: { closeCode: 1011, closeReason: 'backend gone' } }, named: 'closed 1011 (backend gone) before the echo' },
  ])('$named', ({ protocol, observation, named }) => {
    expect(describeFailure(protocol, observation, app, protocol === 'grpc' ? 0 : protocol === 'wss' ? 101 : 200)).toBe(named);
  });
  it('a healthy answer is no failure', () => {
    expect(describeFailure('https', { status: 200, backend: app.id, error: null }, app, 200)).toBeNull();
  });
});
