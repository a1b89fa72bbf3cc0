"""Council branding: validated colours, stylesheet variables and templates."""
