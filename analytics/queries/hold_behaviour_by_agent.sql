-- Hold behaviour per agent over answered contacts: how often customers are put on hold, how many times and how long.
SELECT
  agent_username,
  count(*) AS contacts,
  count_if(number_of_holds > 0) AS contacts_with_hold,
  round(100e0 * count_if(number_of_holds > 0) / count(*), 2) AS hold_rate_pct,
  sum(number_of_holds) AS holds,
  round(avg(CASE WHEN number_of_holds > 0 THEN customer_hold_seconds END), 2) AS avg_hold_s_when_held,
  max(longest_hold_seconds) AS longest_hold_s
FROM ctr_typed
WHERE answered
GROUP BY agent_username
ORDER BY agent_username
