-- Contacts per day by channel and initiation method (each contact once, in its latest version).
SELECT
  contact_date,
  channel,
  initiation_method,
  count(*) AS contacts
FROM ctr_typed
GROUP BY contact_date, channel, initiation_method
ORDER BY contact_date, channel, initiation_method
