-- Contacts and average handle time per agent hierarchy group (levels 1 and 2) over answered contacts, with its parts.
SELECT
  agent_group_level1,
  agent_group_level2,
  count(*) AS contacts,
  count(DISTINCT agent_username) AS agents,
  sum(handle_seconds) AS total_handle_s,
  round(avg(handle_seconds), 2) AS avg_handle_s,
  round(avg(agent_interaction_seconds), 2) AS avg_talk_s,
  round(avg(customer_hold_seconds), 2) AS avg_hold_s,
  round(avg(after_contact_work_seconds), 2) AS avg_acw_s
FROM ctr_typed
WHERE answered
GROUP BY agent_group_level1, agent_group_level2
ORDER BY agent_group_level1, agent_group_level2
