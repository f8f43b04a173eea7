-- Reference DDL for SLOGuard's default log tables. Apply it to the database the data source
-- reads (psql -f pkg/store/log_tables.sql), or map your own tables and columns in the data
-- source settings. Timestamps are UTC; timestamp without time zone is read as UTC too.

CREATE TABLE IF NOT EXISTS request_logs (
    "timestamp"      timestamptz      NOT NULL,
    service          text             NOT NULL,
    route            text,
    status_code      smallint         NOT NULL,
    response_time_ms double precision NOT NULL
);

-- Window counts for one service read only this index (index-only scans): the service, the
-- time range and the two columns an SLI looks at.
CREATE INDEX IF NOT EXISTS request_logs_service_time_idx
    ON request_logs (service, "timestamp") INCLUDE (status_code, response_time_ms);

-- Rollup refreshes read every service's new rows by time.
CREATE INDEX IF NOT EXISTS request_logs_time_idx ON request_logs USING brin ("timestamp");

CREATE TABLE IF NOT EXISTS user_journey_logs (
    "timestamp"  timestamptz      NOT NULL,
    journey_id   text             NOT NULL,
    journey_name text             NOT NULL,
    step_name    text             NOT NULL,
    step_order   integer          NOT NULL,
    success      boolean          NOT NULL,
    duration_ms  double precision NOT NULL
);

-- A journey's steps are read together, by journey and time.
CREATE INDEX IF NOT EXISTS user_journey_logs_name_time_idx
    ON user_journey_logs (journey_name, "timestamp") INCLUDE (journey_id, step_name, step_order, success, duration_ms);

CREATE INDEX IF NOT EXISTS user_journey_logs_journey_idx ON user_journey_logs (journey_id);
