"""A microversion number (``X.Y``) and its comparisons, shared by the
compute API and the block storage API. Each service keeps its own list of
versions and its own headers."""

import functools
import re

from nova_lite import exception

# The environ entry where a service's microversion middleware leaves the
# request's negotiated version.
ENVIRON_KEY = 'nova_lite.api_version'

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)\Z')


class APIVersion:
    """A microversion; the null version is ``APIVersion()``."""

    __slots__ = ('major', 'minor')

    def __init__(self, version=None):
        self.major = self.minor = 0
        if version is None:
            return
        if isinstance(version, APIVersion):
            self.major, self.minor = version.major, version.minor
            return
        match = _VERSION_RE.match(version)
        if not match:
            raise exception.InvalidAPIVersionString(version=version)
        try:
            self.major, self.minor = int(match.group(1)), int(match.group(2))
        except ValueError:
            # More digits than int() converts (sys.get_int_max_str_digits).
            raise exception.InvalidAPIVersionString(version=version)

    def is_null(self):
        return self.major == 0 and self.minor == 0

    def _key(self):
        return (self.major, self.minor)

    def __eq__(self, other):
        return self._key() == _key_of(other)

    def __lt__(self, other):
        return self._key() < _key_of(other)

    def __le__(self, other):
        return self._key() <= _key_of(other)

    def __gt__(self, other):
        return self._key() > _key_of(other)

    def __ge__(self, other):
        return self._key() >= _key_of(other)

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        return '%d.%d' % (self.major, self.minor)

    __repr__ = __str__

    def matches(self, min_version=None, max_version=None):
        """True if ``min_version <= self <= max_version`` (None: open)."""
        key = (self.major, self.minor)
        if min_version is not None and key < _key_of(min_version):
            return False
        if max_version is not None and key > _key_of(max_version):
            return False
        return True


@functools.lru_cache(maxsize=512)
def _parsed_key(text):
    return APIVersion(text)._key()


def _key_of(version):
    """(major, minor) of an APIVersion or a version string (cached: views
    compare against the same few literals for every server they render)."""
    if isinstance(version, APIVersion):
        return version._key()
    return _parsed_key(version)
