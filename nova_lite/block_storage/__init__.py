"""The built-in block storage service: a Cinder v3 API subset.

It exists so that the all-in-one runs the whole multi-attach workflow on one
machine with the real clients. Compute services never import it: they talk
to it (or to a real Cinder) over HTTP through :mod:`nova_lite.volume.cinder`.
"""
