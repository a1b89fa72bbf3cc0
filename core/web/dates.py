"""GOV.UK date inputs (day, month, year boxes) read into a date with plain errors."""

from __future__ import annotations

from datetime import date

from core.errors import FieldProblem, InvalidInput


def optional_date(values: dict[str, str], name: str, label: str) -> date | None:
    """``None`` when all three boxes are empty; an error naming the field when half-filled."""
    day, month, year = (
        values.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")
    )
    if not (day or month or year):
        return None
    try:
        if len(year) != 4:
            raise ValueError
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidInput(
            f"{label} is not a real date",
            [FieldProblem(name, f"{label} must be a real date, like 31 3 2027")],
        ) from None
