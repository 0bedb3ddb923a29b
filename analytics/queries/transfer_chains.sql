-- Customer journeys by how many contacts they took. Transfers link contacts (each one's PreviousContactId
-- is the contact before, NextContactId the one after) and every contact of a chain carries the first one's
-- id as InitialContactId, so a journey is that id, or the contact's own id when it has none.
SELECT
  journey_contacts,
  count(*) AS journeys,
  sum(journey_contacts) AS contacts,
  round(100e0 * count(*) / sum(count(*)) OVER (), 2) AS pct_of_journeys
FROM (
  SELECT
    coalesce(initial_contact_id, contact_id) AS journey_id,
    count(*) AS journey_contacts
  FROM ctr_typed
  GROUP BY coalesce(initial_contact_id, contact_id)
) AS journeys
GROUP BY journey_contacts
ORDER BY journey_contacts
