import { DEFAULT_SLI_WINDOW, QueryType, SLOGuardQuery } from '../../types';

/** A query type as the picker shows it, with a one-line explanation. */
interface QueryTypeInfo {
  value: QueryType;
  label: string;
  description: string;
}

/** The query types a panel can pick (annotations has an editor of its own). */
export const QUERY_TYPES: QueryTypeInfo[] = [
  {
    value: 'slo_status',
    label: 'SLO status',
    description: 'A table row per SLO: SLI, objective, error budget, 1h/6h burn rates, time to exhaustion and state',
  },
  { value: 'error_budget', label: 'Error budget', description: 'Remaining error budget over time (burn-down)' },
  {
    value: 'burn_rate',
    label: 'Burn rate',
    description: 'Error-budget burn rate per SLO and look-back window over time; instant for alert rules',
  },
  {
    value: 'sli',
    label: 'SLI',
    description: 'SLI over a rolling window over time; latency SLOs add p50/p95/p99 response times',
  },
  {
    value: 'journey_steps',
    label: 'Journey steps',
    description: 'User-journey funnel: success and drop-off of each step, as a table or over time',
  },
  { value: 'alerts', label: 'Alerts', description: 'Alerts of the built-in detector: state, severity, burn rates' },
  { value: 'incidents', label: 'Incidents', description: 'Incidents opened and resolved by the built-in detector' },
];

/** The windows of the fast_burn (1h, 5m) and slow_burn (6h, 30m) alert rules. */
const DEFAULT_BURN_RATE_QUERY_WINDOWS = ['5m', '30m', '1h', '6h'];

/** What picking a query type sets, beyond queryType: the options of that type, at their defaults. */
const TYPE_DEFAULTS: Partial<Record<QueryType, Partial<SLOGuardQuery>>> = {
  burn_rate: { windows: DEFAULT_BURN_RATE_QUERY_WINDOWS },
  sli: { window: DEFAULT_SLI_WINDOW },
  journey_steps: { mode: 'table' },
};

/** The fields that belong to some query types only. */
const TYPE_OPTIONS = ['windows', 'window', 'instant', 'mode', 'percentiles'] as const;

/**
 * withQueryType switches a query to queryType: it keeps refId, service, SLO and the other
 * DataQuery fields, drops the options of the old type and sets the new type's defaults.
 */
export function withQueryType(query: SLOGuardQuery, queryType: QueryType): SLOGuardQuery {
  const next: SLOGuardQuery = { ...query, queryType };
  for (const key of TYPE_OPTIONS) {
    delete next[key];
  }
  return { ...next, ...TYPE_DEFAULTS[queryType] };
}
