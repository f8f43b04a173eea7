-- Per-minute SLI rollups: good and valid event counts for one SLI series (an SLO's or a
-- journey's counting definition) in one UTC minute, with the series' running totals.
--
-- cum_good and cum_valid are the sums of good and valid over every row of the series up to
-- and including this minute. The whole minutes [a, b) of any window are then
-- cum(last row before b) - cum(last row before a): two backward probes of the primary key,
-- whatever the window's length, and the engine adds raw rows at the window edges, so a 30-day
-- window costs the same at any table size and any number of minutes. Refresh keeps the
-- running totals exact: whenever it changes a minute it rewrites the totals of every later row.
CREATE TABLE {{.schema}}.sli_rollup (
    series    text        NOT NULL,
    minute    timestamptz NOT NULL,
    good      bigint      NOT NULL CHECK (good >= 0),
    valid     bigint      NOT NULL CHECK (valid >= good),
    cum_good  bigint      NOT NULL CHECK (cum_good >= good),
    cum_valid bigint      NOT NULL CHECK (cum_valid - cum_good >= valid - good),
    -- INCLUDE: the probes and the reads of single minutes are index-only scans.
    PRIMARY KEY (series, minute) INCLUDE (good, valid, cum_good, cum_valid)
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
