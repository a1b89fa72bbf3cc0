"""Council onboarding: the Tenant model, host-name resolution and plugin choice."""
