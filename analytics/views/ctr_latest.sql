-- One row per contact: its newest version by LastUpdateTimestamp. Exact copies collapse too, and ties
-- (same ContactId and LastUpdateTimestamp, different content) go to the greatest full-row JSON, so the
-- pick never depends on file or arrival order.
-- Why the full row: tied versions may differ in any one column, so only a tie-break over every column (or
-- over a digest of the row delivered as a column, which the lake does not have) picks the same row whatever
-- the order. The price: every query through this view reads every column. See docs/parquet.md.
SELECT
  AWSAccountId,
  AWSContactTraceRecordFormatVersion,
  Agent,
  AgentConnectionAttempts,
  AnsweringMachineDetectionStatus,
  Attributes,
  Campaign,
  Channel,
  ConnectedToSystemTimestamp,
  ContactId,
  CustomerEndpoint,
  CustomerVoiceActivity,
  DisconnectDetails,
  DisconnectReason,
  DisconnectTimestamp,
  InitialContactId,
  InitiationMethod,
  InitiationTimestamp,
  InstanceARN,
  LastPausedTimestamp,
  LastResumedTimestamp,
  LastUpdateTimestamp,
  MediaStreams,
  NextContactId,
  PreviousContactId,
  QualityMetrics,
  Queue,
  Recording,
  Recordings,
  "References",
  RelatedContactId,
  ScheduledTimestamp,
  SystemEndpoint,
  Tags,
  TotalPauseCount,
  TotalPauseDurationInSeconds,
  TransferCompletedTimestamp,
  TransferredToEndpoint,
  dt
FROM (
  SELECT
    *,
    row_number() OVER (
      PARTITION BY ContactId
      ORDER BY
        from_iso8601_timestamp(LastUpdateTimestamp) DESC,
        json_format(CAST(ROW(
        AWSAccountId,
        AWSContactTraceRecordFormatVersion,
        Agent,
        AgentConnectionAttempts,
        AnsweringMachineDetectionStatus,
        Attributes,
        Campaign,
        Channel,
        ConnectedToSystemTimestamp,
        ContactId,
        CustomerEndpoint,
        CustomerVoiceActivity,
        DisconnectDetails,
        DisconnectReason,
        DisconnectTimestamp,
        InitialContactId,
        InitiationMethod,
        InitiationTimestamp,
        InstanceARN,
        LastPausedTimestamp,
        LastResumedTimestamp,
        LastUpdateTimestamp,
        MediaStreams,
        NextContactId,
        PreviousContactId,
        QualityMetrics,
        Queue,
        Recording,
        Recordings,
        "References",
        RelatedContactId,
        ScheduledTimestamp,
        SystemEndpoint,
        Tags,
        TotalPauseCount,
        TotalPauseDurationInSeconds,
        TransferCompletedTimestamp,
        TransferredToEndpoint
        ) AS JSON)) DESC
    ) AS version_rank
  FROM contact_trace_records
  WHERE ContactId IS NOT NULL
    -- Synthetic contacts of "ctr doctor" never count.
    AND ContactId NOT LIKE 'ctr-doctor-%'
) AS ranked
WHERE version_rank = 1
