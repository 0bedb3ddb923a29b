-- Why contacts ended, per channel, with each reason's share of the channel's contacts.
SELECT
  channel,
  disconnect_reason,
  count(*) AS contacts,
  round(100e0 * count(*) / sum(count(*)) OVER (PARTITION BY channel), 2) AS pct_of_channel
FROM ctr_typed
GROUP BY channel, disconnect_reason
ORDER BY channel, contacts DESC, disconnect_reason
