"""Personal budgets: periods, funding streams and their schedules, forecasts, statements."""
