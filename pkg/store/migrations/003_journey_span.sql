-- The longest journey of each journey series, as the refreshes measure it, so that a funnel
-- (JourneySteps) can read its journeys' rows by time instead of looking up each journey by
-- its id: a journey that started in [from, to) has all its rows in [from, to + span), and one
-- that started earlier but has a row in the range has one in [from - span, from).
--
-- journey_span is the most time between the first and the last row of one journey among the
-- journeys recomputed by the refreshes that measured them: those from journey_span_since on,
-- each continuing where the previous one ended (journey_span_to, the covered_to it wrote).
-- A refresh that finds covered_to moved on without it (by a version that does not measure
-- journeys) starts the measured region again. Series refreshed before this migration start
-- theirs with their next refresh; until their measured region reaches back far enough, their
-- funnels look journeys up by id as before.
ALTER TABLE {{.schema}}.sli_rollup_state
    ADD COLUMN journey_span       interval,
    ADD COLUMN journey_span_since timestamptz,
    ADD COLUMN journey_span_to    timestamptz;

---- create above / drop below ----

ALTER TABLE {{.schema}}.sli_rollup_state
    DROP COLUMN journey_span,
    DROP COLUMN journey_span_since,
    DROP COLUMN journey_span_to;
