"""Job runs: one row per (tenant, job, period) so repeated deliveries do nothing."""
