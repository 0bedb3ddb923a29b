-- Average speed of answer (enqueue to agent) and service level (share of queued contacts answered within 20 s) per queue.
SELECT
  queue_name,
  count(*) AS queued,
  count_if(answered) AS answered,
  round(avg(CASE WHEN answered THEN answer_seconds END), 2) AS avg_speed_of_answer_s,
  round(100e0 * count_if(answered AND answer_seconds <= 20) / count(*), 2) AS service_level_20s_pct
FROM ctr_typed
WHERE enqueue_ts IS NOT NULL
GROUP BY queue_name
ORDER BY queue_name
