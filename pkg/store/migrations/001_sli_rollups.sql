-- Per-minute SLI rollups: good and valid event counts for one SLI series (an SLO's or a
-- journey's counting definition) in one UTC minute. The engine adds whole minutes from here to
-- raw rows at the window edges, so a 30-day window costs the same at any table size.
CREATE TABLE {{.schema}}.sli_rollup (
    series text        NOT NULL,
    minute timestamptz NOT NULL,
    good   bigint      NOT NULL CHECK (good >= 0),
    valid  bigint      NOT NULL CHECK (valid >= good),
    PRIMARY KEY (series, minute)
);

-- How far each series' rollups are complete. definition is the counting definition the rows
-- were built from; a changed definition (new threshold, filter or column) rebuilds the series.
CREATE TABLE {{.schema}}.sli_rollup_state (
    series       text        PRIMARY KEY,
    definition   jsonb       NOT NULL,
    covered_to   timestamptz NOT NULL,
    refreshed_at timestamptz NOT NULL
);

---- create above / drop below ----

DROP TABLE {{.schema}}.sli_rollup_state;
DROP TABLE {{.schema}}.sli_rollup;
