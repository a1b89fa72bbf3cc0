"""The daily per-council housekeeping job."""
