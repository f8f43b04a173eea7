import { sloNamesOnce } from './resources';
import { slo } from './test/fixtures';

describe('sloNamesOnce', () => {
  it('keeps the first SLO of each name, in order', () => {
    const slos = [slo('payment', 'availability'), slo('payment', 'latency'), slo('search', 'availability')];

    expect(sloNamesOnce(slos)).toEqual([slo('payment', 'availability'), slo('payment', 'latency')]);
  });
});
