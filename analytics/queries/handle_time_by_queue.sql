-- Average handle time per queue (talk + customer hold + after-contact work) over answered contacts, with its parts.
SELECT
  queue_name,
  count(*) AS contacts,
  round(avg(handle_seconds), 2) AS avg_handle_s,
  round(avg(agent_interaction_seconds), 2) AS avg_talk_s,
  round(avg(customer_hold_seconds), 2) AS avg_hold_s,
  round(avg(after_contact_work_seconds), 2) AS avg_acw_s
FROM ctr_typed
WHERE answered
GROUP BY queue_name
ORDER BY queue_name
