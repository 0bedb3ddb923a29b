-- Hold behaviour per agent over answered contacts: how often customers are put on hold, how many times and how long (total per held contact, per hold, and the longest single hold).
-- Connect's CustomerHoldDuration is the total of all holds of a contact and LongestHoldDuration one hold, so
-- avg_total_hold_s_per_held_contact can exceed longest_single_hold_s when contacts are held more than once;
-- avg_hold_s_per_hold is the figure comparable with the longest single hold.
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
