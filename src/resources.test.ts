import { sloNamesOnce } from './resources';
import { SLOInfo } from './types';

function slo(service: string, name: string): SLOInfo {
  return { service, slo: name, sliType: 'success_rate', objective: 0.99, window: '30d', alertRules: [] };
}

describe('sloNamesOnce', () => {
  it('keeps the first SLO of each name, in order', () => {
    const slos = [slo('payment', 'availability'), slo('payment', 'latency'), slo('search', 'availability')];

    expect(sloNamesOnce(slos)).toEqual([slo('payment', 'availability'), slo('payment', 'latency')]);
  });
});
