-- Detection: alert states with their history, the notification outbox, incidents and their
-- timelines. The detector writes states, transitions and outbox rows in one transaction (see
-- store.ApplyCycle), so a notification exists exactly when the transition that causes it does.

-- One row per alert (one rule on one SLO): what a restarted or newly elected detector resumes
-- from. Timestamps that may be absent (active_since, resolved_at) are NULL rather than a zero.
CREATE TABLE {{.schema}}.alert_state (
    alert_id     text        PRIMARY KEY,
    slo_id       text        NOT NULL,
    rule         text        NOT NULL,
    kind         text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('inactive', 'pending', 'firing')),
    since        timestamptz NOT NULL,
    active_since timestamptz,
    resolved_at  timestamptz,
    last_eval    timestamptz NOT NULL,
    status       text        NOT NULL,
    severity     text        NOT NULL,
    suppressed   boolean     NOT NULL DEFAULT false,
    last_values  jsonb       NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_state_slo ON {{.schema}}.alert_state (slo_id);

-- The history: every firing and resolved transition. A transition is identified by its alert,
-- kind and episode start (the notification dedup key) and whether it notified: a firing that
-- Suppress silenced and its later release in the same episode are two rows; re-applying the
-- same cycle adds none.
CREATE TABLE {{.schema}}.alert_transition (
    id           bigserial   PRIMARY KEY,
    alert_id     text        NOT NULL,
    slo_id       text        NOT NULL,
    rule         text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('firing', 'resolved')),
    at           timestamptz NOT NULL,
    active_since timestamptz NOT NULL,
    severity     text        NOT NULL,
    last_values  jsonb       NOT NULL DEFAULT '{}',
    notify       boolean     NOT NULL,
    UNIQUE (alert_id, kind, active_since, notify)
);
CREATE INDEX alert_transition_at ON {{.schema}}.alert_transition (at);

-- The outbox: one row per notification per channel, unique by (dedup_key, channel) so that a
-- repeated cycle, a restart or a second detector cannot queue a notification twice. payload is
-- the message only, never a secret (webhook URLs, tokens and keys stay in the configuration);
-- last_error is redacted by the caller. A row is due when its state is pending or sending and
-- next_attempt_at has passed: a claim sets sending and moves next_attempt_at a lease ahead, so a
-- worker that dies mid-send leaves a row that becomes due again when the lease runs out.
-- thread is the transport's message reference (the Slack ts) for threading the resolution.
CREATE TABLE {{.schema}}.notification_outbox (
    id              bigserial   PRIMARY KEY,
    dedup_key       text        NOT NULL,
    channel         text        NOT NULL,
    alert_id        text        NOT NULL,
    slo_id          text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('firing', 'resolved')),
    episode         timestamptz NOT NULL,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NOT NULL DEFAULT '',
    thread          text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    claimed_at      timestamptz,
    delivered_at    timestamptz,
    UNIQUE (dedup_key, channel)
);
CREATE INDEX notification_outbox_due ON {{.schema}}.notification_outbox (next_attempt_at, id)
    WHERE state IN ('pending', 'sending');
-- Per alert and channel, notifications go out in order (a resolve never overtakes its trigger).
CREATE INDEX notification_outbox_order ON {{.schema}}.notification_outbox (alert_id, channel, id);

-- Incidents: one per ongoing problem of an SLO, enforced by the partial unique index.
-- alert_id is the alert that opened it; alert_ids are the opening alert and every alert that
-- joined, in order, each once; severity is the highest of theirs.
CREATE TABLE {{.schema}}.incident (
    id          bigserial   PRIMARY KEY,
    slo_id      text        NOT NULL,
    alert_id    text        NOT NULL,
    alert_ids   text[]      NOT NULL DEFAULT '{}',
    title       text        NOT NULL,
    description text        NOT NULL,
    severity    text        NOT NULL,
    status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    opened_at   timestamptz NOT NULL,
    resolved_at timestamptz,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX incident_one_open_per_slo ON {{.schema}}.incident (slo_id) WHERE status = 'open';
CREATE INDEX incident_opened_at ON {{.schema}}.incident (opened_at);

-- An incident's timeline.
CREATE TABLE {{.schema}}.incident_event (
    id          bigserial   PRIMARY KEY,
    incident_id bigint      NOT NULL REFERENCES {{.schema}}.incident (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('opened', 'notification_sent', 'notification_failed', 'escalated', 'resolved')),
    detail      text        NOT NULL DEFAULT ''
);
CREATE INDEX incident_event_incident ON {{.schema}}.incident_event (incident_id, at);

---- create above / drop below ----

DROP TABLE {{.schema}}.incident_event;
DROP TABLE {{.schema}}.incident;
DROP TABLE {{.schema}}.notification_outbox;
DROP TABLE {{.schema}}.alert_transition;
DROP TABLE {{.schema}}.alert_state;
