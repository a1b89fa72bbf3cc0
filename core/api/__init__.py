"""The versioned JSON API for partners (``/api/v1``) and its OpenAPI document."""
