"""A table of ``(method, path template, handler)`` routes, for the services
that route requests themselves (the block storage, the image service)."""

import re

_SEGMENT = r'(?P<%s>[^/]+)'


class RouteTable:
    """``{name}`` in a template matches one path segment, handed to the
    handler as a keyword argument; ``trailing_slash`` accepts ``/`` at the
    end of every path."""

    def __init__(self, routes, trailing_slash=False):
        end = '/?$' if trailing_slash else '$'
        self.routes = [
            (method, re.compile('^%s%s' % (re.sub(
                r'\{(\w+)\}', lambda m: _SEGMENT % m.group(1), path), end)),
             handler)
            for method, path, handler in routes]

    def match(self, method, path):
        """``(handler, arguments, allowed)``: the handler of the route for
        ``method`` and ``path`` and its arguments, or ``(None, None,
        allowed)`` with the methods the path has routes for (sorted; empty
        when it has none: a 404, else a 405)."""
        allowed = set()
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if match is None:
                continue
            if route_method != method:
                allowed.add(route_method)
                continue
            return handler, match.groupdict(), None
        return None, None, sorted(allowed)
