"""Transactional outbox: jobs recorded with the change that causes them."""
