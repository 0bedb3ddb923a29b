-- Contact arrivals by ISO day of week (1 = Monday) and hour of day in the contact center's time zone: the staffing heatmap.
SELECT
  day_of_week(initiation_local_ts) AS iso_day_of_week,
  hour(initiation_local_ts) AS hour_of_day,
  count(*) AS contacts
FROM ctr_typed
GROUP BY day_of_week(initiation_local_ts), hour(initiation_local_ts)
ORDER BY iso_day_of_week, hour_of_day
