/**
 * Contact attribute key that marks the synthetic CTRs `ctr doctor` sends through a deployed pipeline (its value
 * is the doctor run's id): the doctor finds its own run's records by it.
 */
export const DOCTOR_PROBE_ATTRIBUTE = 'ctrDoctorProbe';

/**
 * Prefix of every doctor probe's ContactId. Connect's contact ids are UUIDs (hexadecimal and dashes), so no real
 * contact starts with it. Every view and the raw-table audits exclude probes by it, with
 * `ContactId NOT LIKE 'ctr-doctor-%'`, so a doctor run never counts in analytics. The filter is on ContactId, not
 * on the `ctrDoctorProbe` attribute, because every query reads ContactId anyway (the views rank by it): a filter
 * on the Attributes map would make Athena read the whole map, the lake's second-largest column, for every query.
 */
export const DOCTOR_PROBE_CONTACT_PREFIX = 'ctr-doctor-';

/** The SQL predicate that keeps every record except doctor probes, as the `.sql` files spell it. */
export const NOT_A_DOCTOR_PROBE = `ContactId NOT LIKE '${DOCTOR_PROBE_CONTACT_PREFIX}%'`;
