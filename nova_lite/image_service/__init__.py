"""The built-in image service: a Glance v2 compatible API subset, image
records in a database of their own and image data as files."""
