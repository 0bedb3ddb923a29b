-- Abandoned contacts per queue by how long the caller waited in queue before hanging up (buckets starting at
-- 0, 5, 10, 20, 30, 60, 120 and 300 s), with each bucket's share of the queue's abandoned contacts.
SELECT
  queue_name,
  wait_bucket_start_s,
  CASE wait_bucket_start_s
    WHEN 0 THEN '0-5 s' WHEN 5 THEN '5-10 s' WHEN 10 THEN '10-20 s' WHEN 20 THEN '20-30 s'
    WHEN 30 THEN '30-60 s' WHEN 60 THEN '1-2 min' WHEN 120 THEN '2-5 min' WHEN 300 THEN '5 min+'
  END AS wait_bucket,
  count(*) AS abandoned,
  round(100e0 * count(*) / sum(count(*)) OVER (PARTITION BY queue_name), 2) AS pct_of_queue_abandoned
FROM (
  SELECT
    queue_name,
    CASE
      WHEN queue_seconds < 5 THEN 0 WHEN queue_seconds < 10 THEN 5 WHEN queue_seconds < 20 THEN 10
      WHEN queue_seconds < 30 THEN 20 WHEN queue_seconds < 60 THEN 30 WHEN queue_seconds < 120 THEN 60
      WHEN queue_seconds < 300 THEN 120 WHEN queue_seconds >= 300 THEN 300
    END AS wait_bucket_start_s
  FROM ctr_typed
  WHERE abandoned
) AS waits
GROUP BY queue_name, wait_bucket_start_s
ORDER BY queue_name, wait_bucket_start_s
