-- Service level (queued contacts answered within 20 s) and abandonment per queue per 30-minute interval of
-- arrival, in the contact center's time zone. interval_start is the local wall-clock start; interval_start_utc
-- tells apart the two local 01:00 intervals of the day the clocks go back.
SELECT
  interval_start,
  interval_start_utc,
  queue_name,
  count(*) AS queued,
  count_if(answered) AS answered,
  count_if(answered AND answer_seconds <= 20) AS answered_within_20s,
  count_if(abandoned) AS abandoned,
  round(100e0 * count_if(answered AND answer_seconds <= 20) / count(*), 2) AS service_level_20s_pct,
  round(100e0 * count_if(abandoned) / count(*), 2) AS abandonment_rate_pct
FROM (
  SELECT
    queue_name,
    answered,
    answer_seconds,
    abandoned,
    substr(CAST(local_start AS varchar), 1, 16) AS interval_start,
    substr(CAST(initiation_ts - (initiation_local_ts - local_start) AS varchar), 1, 16) AS interval_start_utc
  FROM (
    SELECT
      *,
      date_trunc('hour', initiation_local_ts)
        + CASE WHEN minute(initiation_local_ts) >= 30 THEN INTERVAL '30' MINUTE ELSE INTERVAL '0' MINUTE END AS local_start
    FROM ctr_typed
    WHERE enqueue_ts IS NOT NULL
  ) AS timed
) AS intervals
GROUP BY interval_start, interval_start_utc, queue_name
ORDER BY interval_start_utc, queue_name
