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

/** SLOGuardQuery is the JSON a panel sends to the backend. Empty service / slo means "all". */
export interface SLOGuardQuery extends DataQuery {
  queryType: QueryType;
  service?: string;
  slo?: string;
  windows?: string[];
  window?: string;
  instant?: boolean;
}

export const DEFAULT_QUERY_TYPE: QueryType = 'slo_status';

export const DEFAULT_QUERY: Partial<SLOGuardQuery> = {
  queryType: DEFAULT_QUERY_TYPE,
};

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
}

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
