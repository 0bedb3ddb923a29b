-- The latest version of each contact with parsed timestamps (UTC) and derived measures: answer time,
-- handle time (talk + customer hold + after-contact work, as Amazon Connect defines it), abandoned flag
-- (queued, never connected to an agent), transferred flag.
SELECT
  contact_id,
  initial_contact_id,
  previous_contact_id,
  next_contact_id,
  channel,
  initiation_method,
  dt,
  CAST(initiation_ts AS date) AS contact_date,
  initiation_ts,
  connected_to_system_ts,
  disconnect_ts,
  last_update_ts,
  queue_name,
  enqueue_ts,
  dequeue_ts,
  queue_seconds,
  agent_username,
  routing_profile,
  connected_to_agent_ts,
  agent_interaction_seconds,
  customer_hold_seconds,
  after_contact_work_seconds,
  number_of_holds,
  longest_hold_seconds,
  CASE
    WHEN connected_to_agent_ts IS NOT NULL
      THEN coalesce(agent_interaction_seconds, 0) + coalesce(customer_hold_seconds, 0) + coalesce(after_contact_work_seconds, 0)
  END AS handle_seconds,
  date_diff('second', enqueue_ts, connected_to_agent_ts) AS answer_seconds,
  date_diff('second', initiation_ts, disconnect_ts) AS contact_seconds,
  coalesce(disconnect_reason, 'UNKNOWN') AS disconnect_reason,
  connected_to_agent_ts IS NOT NULL AS answered,
  enqueue_ts IS NOT NULL AND connected_to_agent_ts IS NULL AS abandoned,
  transfer_completed_ts IS NOT NULL OR transferred_to_type IS NOT NULL AS transferred,
  transfer_completed_ts,
  transferred_to_type
FROM (
  SELECT
    ContactId AS contact_id,
    InitialContactId AS initial_contact_id,
    PreviousContactId AS previous_contact_id,
    NextContactId AS next_contact_id,
    Channel AS channel,
    InitiationMethod AS initiation_method,
    dt,
    CAST(from_iso8601_timestamp(InitiationTimestamp) AS timestamp) AS initiation_ts,
    CAST(from_iso8601_timestamp(ConnectedToSystemTimestamp) AS timestamp) AS connected_to_system_ts,
    CAST(from_iso8601_timestamp(DisconnectTimestamp) AS timestamp) AS disconnect_ts,
    CAST(from_iso8601_timestamp(LastUpdateTimestamp) AS timestamp) AS last_update_ts,
    Queue.Name AS queue_name,
    CAST(from_iso8601_timestamp(Queue.EnqueueTimestamp) AS timestamp) AS enqueue_ts,
    CAST(from_iso8601_timestamp(Queue.DequeueTimestamp) AS timestamp) AS dequeue_ts,
    Queue.Duration AS queue_seconds,
    Agent.Username AS agent_username,
    Agent.RoutingProfile.Name AS routing_profile,
    CAST(from_iso8601_timestamp(Agent.ConnectedToAgentTimestamp) AS timestamp) AS connected_to_agent_ts,
    Agent.AgentInteractionDuration AS agent_interaction_seconds,
    Agent.CustomerHoldDuration AS customer_hold_seconds,
    Agent.AfterContactWorkDuration AS after_contact_work_seconds,
    Agent.NumberOfHolds AS number_of_holds,
    Agent.LongestHoldDuration AS longest_hold_seconds,
    DisconnectReason AS disconnect_reason,
    CAST(from_iso8601_timestamp(TransferCompletedTimestamp) AS timestamp) AS transfer_completed_ts,
    TransferredToEndpoint.Type AS transferred_to_type
  FROM ctr_latest
  -- Synthetic contacts of "ctr doctor" never count (ctr_latest drops them too; kept here so this view never relies on it).
  WHERE element_at(Attributes, 'ctrDoctorProbe') IS NULL
) AS parsed
