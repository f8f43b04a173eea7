import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/**
 * Query types served by the backend's QueryData. The string values are a contract with the Go
 * backend (DataQuery.JSON `queryType`); do not rename them.
 */
export type QueryType =
  | 'slo_status'
  | 'error_budget'
  | 'burn_rate'
  | 'sli'
  | 'journey_steps'
  | 'alerts'
  | 'incidents'
  /** Dashboard annotations: incidents and alert transitions as time, timeEnd, title, text, tags. */
  | 'annotations';

/** Which events an annotation shows: everything, only incidents, or only alert state changes. */
export type AnnotationShow = 'all' | 'incidents' | 'alerts';

/** Output of journey_steps: a funnel table per journey, or a series per step. */
export type JourneyMode = 'table' | 'timeseries';

/**
 * SLOGuardQuery is the JSON a panel sends to the backend (pkg/plugin/query.go queryModel and
 * journeyQueryModel). Empty service / slo means "all"; the other fields belong to some query
 * types and the rest ignore them.
 */
export interface SLOGuardQuery extends DataQuery {
  queryType: QueryType;
  service?: string;
  slo?: string;
  /**
   * The values of a multi-value template variable in service or slo, set by
   * applyTemplateVariables (the editors set service and slo only).
   */
  services?: string[];
  slos?: string[];
  /** burn_rate's look-back windows, e.g. ["5m", "1h"]; empty: the backend's six windows. */
  windows?: string[];
  /** sli's rolling window (at most 1d); empty: 5m. */
  window?: string;
  /** burn_rate: one value per SLO and window at the range end (a numeric frame for alert rules). */
  instant?: boolean;
  /** journey_steps output; empty: table. */
  mode?: JourneyMode;
  /** sli, latency SLOs: the response-time percentiles to return; empty: p50, p95 and p99. */
  percentiles?: string[];
  /** annotations: which events the backend returns ("all" when empty). */
  show?: AnnotationShow;
}

export const DEFAULT_QUERY_TYPE: QueryType = 'slo_status';

export const DEFAULT_QUERY: Partial<SLOGuardQuery> = {
  queryType: DEFAULT_QUERY_TYPE,
};

/** Burn-rate windows the backend computes when a burn_rate query names none. */
export const DEFAULT_BURN_RATE_WINDOWS = ['5m', '30m', '1h', '6h', '1d', '3d'];

/** sli's rolling window when the query names none. */
export const DEFAULT_SLI_WINDOW = '5m';

export const ANNOTATIONS_QUERY_TYPE: QueryType = 'annotations';

/** The query a new dashboard annotation of this data source starts with. */
export const DEFAULT_ANNOTATION_QUERY: Partial<SLOGuardQuery> = {
  queryType: ANNOTATIONS_QUERY_TYPE,
};

export type SSLMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** Column mapping of the request log table. */
export interface RequestLogsMapping {
  table?: string;
  service?: string;
  statusCode?: string;
  responseTimeMs?: string;
  timestamp?: string;
  route?: string;
}

/** Column mapping of the user-journey log table. */
export interface JourneyLogsMapping {
  table?: string;
  journeyId?: string;
  journeyName?: string;
  stepName?: string;
  stepOrder?: string;
  success?: string;
  durationMs?: string;
  timestamp?: string;
}

/**
 * SLOGuardOptions is the data source's jsonData. Field names are a contract with the Go backend;
 * unset fields take the values in DEFAULT_OPTIONS (applied by the backend).
 */
export interface SLOGuardOptions extends DataSourceJsonData {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  sslMode?: SSLMode;
  /** PostgreSQL schema owned by the plugin (rollups, alert state, incidents, outbox). */
  schema?: string;
  /** Inline SLO configuration (YAML). Set this or sloConfigPath, not both. */
  sloConfig?: string;
  /** Path of an SLO configuration file on the Grafana server. Set this or sloConfig, not both. */
  sloConfigPath?: string;
  requestLogs?: RequestLogsMapping;
  journeyLogs?: JourneyLogsMapping;
  detectionEnabled?: boolean;
  /** Go duration, e.g. "60s". */
  detectionInterval?: string;
  maxOpenConns?: number;
  /** Seconds. */
  connectTimeout?: number;
  /** Seconds. */
  queryTimeout?: number;
  /** Channel a Slack bot token (slackBotToken) posts to. */
  slackChannel?: string;
  /** PagerDuty Events API v2 base URL; unset is the US region. */
  pagerDutyEndpoint?: string;
  smtpHost?: string;
  smtpPort?: number;
  smtpTLS?: SMTPTLSMode;
  smtpUser?: string;
  smtpFrom?: string;
  smtpRecipients?: string[];
  /** Dashboard linked from every notification. */
  dashboardUrl?: string;
}

/** How the SMTP connection is secured (pkg/plugin/settings.go smtpTLSModes); unset is starttls. */
export type SMTPTLSMode = 'starttls' | 'starttls_opportunistic' | 'tls' | 'none';

/** PagerDuty Events API base URL of the EU service region (pkg/notify/pagerduty EUEndpoint). */
export const PAGERDUTY_EU_ENDPOINT = 'https://events.eu.pagerduty.com';

/** SLOGuardSecureJsonData is stored encrypted by Grafana and only ever sent to the backend. */
export interface SLOGuardSecureJsonData {
  password?: string;
  slackWebhookUrl?: string;
  slackBotToken?: string;
  pagerDutyRoutingKey?: string;
  smtpPassword?: string;
}

/** Defaults the backend applies to unset options; the config editor shows them as placeholders. */
export const DEFAULT_OPTIONS = {
  host: 'localhost',
  port: 5432,
  sslMode: 'prefer',
  schema: 'sloguard',
  detectionInterval: '60s',
  maxOpenConns: 10,
  connectTimeout: 10,
  queryTimeout: 30,
  smtpPort: 587,
  smtpTLS: 'starttls',
  requestLogs: {
    table: 'request_logs',
    service: 'service',
    statusCode: 'status_code',
    responseTimeMs: 'response_time_ms',
    timestamp: 'timestamp',
    route: 'route',
  },
  journeyLogs: {
    table: 'user_journey_logs',
    journeyId: 'journey_id',
    journeyName: 'journey_name',
    stepName: 'step_name',
    stepOrder: 'step_order',
    success: 'success',
    durationMs: 'duration_ms',
    timestamp: 'timestamp',
  },
} as const satisfies SLOGuardOptions & {
  requestLogs: Required<RequestLogsMapping>;
  journeyLogs: Required<JourneyLogsMapping>;
};

/** A service of the SLO config, as the `services` resource lists it. */
export interface ServiceInfo {
  name: string;
  logName: string;
  slos: number;
}

/** An SLO of the SLO config, as the `slos` resource lists it; objective is a ratio. */
export interface SLOInfo {
  service: string;
  slo: string;
  sliType: string;
  objective: number;
  window: string;
  thresholdMs?: number;
  journey?: string;
  alertRules: string[];
}

/** One problem found in an SLO config; line and column are 1-based and absent when unknown. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** The answer of POST validate. */
export interface ValidateResult {
  valid: boolean;
  services: number;
  slos: number;
  diagnostics: Diagnostic[];
}

/** A template variable's query: the services, or the SLOs of a service (empty: of all services). */
export interface SLOGuardVariableQuery extends DataQuery {
  kind: 'services' | 'slos';
  service?: string;
}

/** The query a new template variable of this data source starts with (the variable support's getDefaultQuery). */
export const DEFAULT_VARIABLE_QUERY: Omit<SLOGuardVariableQuery, 'refId'> = { kind: 'services' };
