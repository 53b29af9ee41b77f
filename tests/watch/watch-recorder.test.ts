import { describe, expect, it } from 'vitest';
import { detectEvents } from '../../harness/watch/watch-events.ts';
import { WatchRecorder } from '../../harness/watch/watch-recorder.ts';

const apps = ['a', 'b', 'c'].map((name) => ({ id: `ns/${name}`, host: `${name}.test` }));
const exchange = (name: string, at: number) => ({ at, app: `ns/${name}`, host: `${name}.test`, protocol: 'https' });

describe('WatchRecorder', () => {
  it('judges answers against the ceiling and names each distinct failure once', () => {
    const recorder = new WatchRecorder(apps, 1_000);
    expect(recorder.record({ ...exchange('a', 0), latencyMs: 20, failure: null })).toBeUndefined();
    expect(recorder.record({ ...exchange('a', 100), latencyMs: 1_500, failure: null })).toMatchObject({ what: 'slow: answered after more than 1000 ms', count: 1 });
    expect(recorder.record({ ...exchange('a', 2_000), latencyMs: 1_200, failure: null })).toBeUndefined();
    expect(recorder.summary()).toMatchObject({ requests: 3, failures: 2, distinctFailures: [{ host: 'a.test', count: 2 }] });
    expect(recorder.answers().map((answer) => answer.kind)).toEqual([null, 'slow', 'slow']);
  });

  it('shows exchanges still waiting past the ceiling as slow answers, so a stall is seen while it lasts', () => {
    const recorder = new WatchRecorder(apps, 1_000);
    for (const name of ['a', 'b', 'c']) {
      recorder.record({ ...exchange(name, 0), latencyMs: 20, failure: null });
      recorder.started(exchange(name, 200));
    }
    expect(detectEvents(recorder.recent(0, 900))).toEqual([]);
    const [event] = detectEvents(recorder.recent(0, 2_000));
    expect(event).toMatchObject({ kind: 'stall', start: 200, end: 2_000, hosts: ['a.test', 'b.test', 'c.test'] });
    // Answered: no longer waiting.
    for (const name of ['a', 'b', 'c']) recorder.record({ ...exchange(name, 200), latencyMs: 100, failure: null });
    expect(detectEvents(recorder.recent(0, 2_000))).toEqual([]);
  });
});
