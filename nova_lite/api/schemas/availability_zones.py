"""Query schemas of /os-availability-zone, per microversion."""

import copy

_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
_query_v2102 = copy.deepcopy(_query)
_query_v2102['additionalProperties'] = False

QUERY_SCHEMAS = [('2.1', '2.101', _query), ('2.102', None, _query_v2102)]
