"""Cross-cutting protections: security headers and cross-site request refusal."""
