-- Dedup audit per day over the raw table: delivered rows, distinct versions (ContactId + LastUpdateTimestamp)
-- and distinct contacts. rows = versions means no exact copy slipped through; versions - contacts are updates.
SELECT
  dt,
  count(*) AS raw_rows,
  count(DISTINCT ContactId || '|' || LastUpdateTimestamp) AS versions,
  count(DISTINCT ContactId) AS contacts,
  count(*) - count(DISTINCT ContactId || '|' || LastUpdateTimestamp) AS rows_beyond_versions
FROM contact_trace_records
-- Synthetic contacts of "ctr doctor" never count.
WHERE ContactId NOT LIKE 'ctr-doctor-%'
GROUP BY dt
ORDER BY dt
