import { describe, expect, it } from 'vitest';
import { joinLive, toSamples } from './useMetricWindow';

const info = { series: 'web-01/cpu', metric: 'cpu', host: 'web-01', unit: '%', lastT: 0, lastValue: 0 };
const live = (t: number, value: number) => ({
  series: 'web-01/cpu',
  metric: 'cpu',
  host: 'web-01',
  unit: '%',
  t,
  value,
});

describe('dashboard windows', () => {
  it('turn history points (averages per step) into samples of their series', () => {
    expect(toSamples(info, [{ t: 10_000, avg: 40, min: 30, max: 50 }])).toEqual([live(10_000, 40)]);
  });

  it('begin the live window with the history from before the first live sample, never overlapping it', () => {
    const history = new Map([
      [
        'web-01/cpu',
        toSamples(info, [
          { t: 0, avg: 1, min: 1, max: 1 },
          { t: 10_000, avg: 2, min: 2, max: 2 },
          { t: 20_000, avg: 3, min: 3, max: 3 },
        ]),
      ],
      ['db-01/cpu', toSamples({ ...info, series: 'db-01/cpu', host: 'db-01' }, [{ t: 0, avg: 9, min: 9, max: 9 }])],
    ]);
    const joined = joinLive(history, new Map([['web-01/cpu', [live(15_000, 7), live(16_000, 8)]]]));
    expect(joined.get('web-01/cpu')!.map((p) => [p.t, p.value])).toEqual([
      [0, 1],
      [10_000, 2],
      [15_000, 7],
      [16_000, 8],
    ]);
    expect(joined.get('db-01/cpu')!.map((p) => p.value)).toEqual([9]); // a host heard of only before the page opened
  });
});
