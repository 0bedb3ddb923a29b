-- Repeat callers and first-contact resolution per day (in the contact center's time zone) and queue: inbound
-- contacts whose caller (the customer endpoint address, a phone number or a pseudonymous token alike) made
-- another inbound contact within 24 hours and within 7 days after it; fcr = no repeat within the window.
-- Transfers are not repeats (they are not inbound). Contacts near the end of the data have open windows.
SELECT
  contact_date,
  queue_name,
  count(*) AS contacts,
  count_if(repeat_24h) AS repeated_within_24h,
  count_if(repeat_7d) AS repeated_within_7d,
  round(100e0 * count_if(repeat_24h) / count(*), 2) AS repeat_24h_pct,
  round(100e0 * count_if(repeat_7d) / count(*), 2) AS repeat_7d_pct,
  round(100e0 * (count(*) - count_if(repeat_24h)) / count(*), 2) AS fcr_24h_pct,
  round(100e0 * (count(*) - count_if(repeat_7d)) / count(*), 2) AS fcr_7d_pct
FROM (
  SELECT
    contact_date,
    queue_name,
    coalesce(seconds_to_next <= 86400, false) AS repeat_24h,
    coalesce(seconds_to_next <= 604800, false) AS repeat_7d
  FROM (
    SELECT
      contact_date,
      queue_name,
      date_diff(
        'second',
        initiation_ts,
        lead(initiation_ts) OVER (PARTITION BY customer_address ORDER BY initiation_ts, contact_id)
      ) AS seconds_to_next
    FROM ctr_typed
    WHERE initiation_method = 'INBOUND' AND customer_address IS NOT NULL
  ) AS inbound
) AS repeats
GROUP BY contact_date, queue_name
ORDER BY contact_date, queue_name
