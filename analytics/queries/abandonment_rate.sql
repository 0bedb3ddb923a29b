-- Abandonment per queue per day: queued contacts that never reached an agent.
SELECT
  contact_date,
  queue_name,
  count(*) AS queued,
  count_if(abandoned) AS abandoned,
  round(100e0 * count_if(abandoned) / count(*), 2) AS abandonment_rate_pct
FROM ctr_typed
WHERE enqueue_ts IS NOT NULL
GROUP BY contact_date, queue_name
ORDER BY contact_date, queue_name
