-- Dedup audit per contact date in the contact center's time zone, over the raw table: delivered rows, distinct
-- versions (ContactId + LastUpdateTimestamp) and distinct contacts. rows = versions means no exact copy slipped
-- through; versions - contacts are updates. (dedup_audit counts per UTC partition instead.)
SELECT
  contact_date,
  count(*) AS raw_rows,
  count(DISTINCT version_key) AS versions,
  count(DISTINCT ContactId) AS contacts,
  count(*) - count(DISTINCT version_key) AS rows_beyond_versions,
  count(DISTINCT version_key) - count(DISTINCT ContactId) AS versions_beyond_contacts
FROM (
  SELECT
    ContactId,
    ContactId || '|' || LastUpdateTimestamp AS version_key,
    CAST(from_iso8601_timestamp(InitiationTimestamp) AT TIME ZONE '{{time_zone}}' AS date) AS contact_date
  FROM contact_trace_records
  WHERE ContactId IS NOT NULL AND ContactId NOT LIKE 'ctr-doctor-%'
) AS raw
GROUP BY contact_date
ORDER BY contact_date
