/**
 * Contact attribute key that marks the synthetic CTRs `ctr doctor` sends through a deployed pipeline (its value
 * is the doctor run's id). Every view and the raw-table audit exclude records carrying it, with
 * `element_at(Attributes, 'ctrDoctorProbe') IS NULL` (Athena, and DuckDB through the `element_at` macro), so a
 * doctor run never counts in analytics. Named queries read `ctr_typed`, so they inherit the exclusion.
 */
export const DOCTOR_PROBE_ATTRIBUTE = 'ctrDoctorProbe';

/** The SQL predicate that keeps every record except doctor probes, as the `.sql` files spell it. */
export const NOT_A_DOCTOR_PROBE = `element_at(Attributes, '${DOCTOR_PROBE_ATTRIBUTE}') IS NULL`;
