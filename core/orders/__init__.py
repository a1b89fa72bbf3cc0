"""Ordering and bookings: basket, orders, one-off and recurring bookings, delivery."""
