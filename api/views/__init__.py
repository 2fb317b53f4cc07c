"""API views: HTTP only, one module a resource. Cases through cases.access, writes through
the services the pages use, every read of a case audited. api/urls.py imports the views
from their modules."""
