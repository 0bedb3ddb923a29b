-- Transfers per queue per day over answered contacts: how many were transferred, and the rate.
SELECT
  contact_date,
  queue_name,
  count(*) AS answered,
  count_if(transferred) AS transferred,
  round(100e0 * count_if(transferred) / count(*), 2) AS transfer_rate_pct
FROM ctr_typed
WHERE answered
GROUP BY contact_date, queue_name
ORDER BY contact_date, queue_name
