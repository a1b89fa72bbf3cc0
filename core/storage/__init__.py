"""File storage behind one interface: a local folder by default, S3 when configured."""

from core.storage.base import FileStorage, StorageError, StoredFile, tenant_key
from core.storage.factory import storage_from_url

__all__ = ["FileStorage", "StorageError", "StoredFile", "storage_from_url", "tenant_key"]
