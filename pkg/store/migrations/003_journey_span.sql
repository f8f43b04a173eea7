-- The longest journey of each journey series: the most time between the first and the last
-- row of one journey_id, over every journey a refresh has counted. A funnel (JourneySteps)
-- whose range is longer than it reads the journeys' rows by time instead of looking up each
-- journey by its id: a journey that started in [from, to) has all its rows in
-- [from, to + span), and one that started before has a row in [from - span, from).
ALTER TABLE {{.schema}}.sli_rollup_state ADD COLUMN journey_span interval;

-- Journey series refreshed before this migration have not measured their journeys: refresh
-- them again from their first row (their rollup rows stay, and are checked minute by minute).
DELETE FROM {{.schema}}.sli_rollup_state WHERE definition ? 'journeys';

---- create above / drop below ----

ALTER TABLE {{.schema}}.sli_rollup_state DROP COLUMN journey_span;
