"""The WSGI plumbing the compute API and the built-in block storage share:
authentication, faults, microversion numbers, request ids and logs, body
limits, proxy headers, request validation and the WSGI server."""
