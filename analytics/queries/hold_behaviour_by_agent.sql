-- Hold behaviour per agent over answered contacts: how often and how many times customers are held, the total hold time per held contact (all its holds together), the time per hold, and the longest single hold.
SELECT
  agent_username,
  count(*) AS contacts,
  count_if(number_of_holds > 0) AS contacts_with_hold,
  round(100e0 * count_if(number_of_holds > 0) / count(*), 2) AS hold_rate_pct,
  sum(number_of_holds) AS holds,
  round(avg(CASE WHEN number_of_holds > 0 THEN customer_hold_seconds END), 2) AS avg_total_hold_s_per_held_contact,
  round(1e0 * sum(CASE WHEN number_of_holds > 0 THEN customer_hold_seconds END) / nullif(sum(number_of_holds), 0), 2) AS avg_hold_s_per_hold,
  max(longest_hold_seconds) AS longest_single_hold_s
FROM ctr_typed
WHERE answered
GROUP BY agent_username
ORDER BY agent_username
