"""Council vetting of providers: applications, evidence, decisions, expiry."""
