import { SLOInfo } from '../types';

/** slo is an SLO of service named name, as the slos resource lists it (a success-rate SLO of 99.9% over 30d). */
export function slo(service: string, name: string): SLOInfo {
  return { service, slo: name, sliType: 'success_rate', objective: 0.999, window: '30d', alertRules: [] };
}
