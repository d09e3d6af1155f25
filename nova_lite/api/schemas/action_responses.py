"""Response schemas of the server actions that answer with a body:
rebuild (202, the server), createImage and createBackup (202, the image id,
from 2.45), os-getConsoleOutput, rescue and evacuate (200). The other
actions answer 202 (confirmResize 204) without a body."""

import copy

from nova_lite.api.schemas import responses as r

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}


def server_rebuild(version):
    """Before 2.75 the reduced server of an update (key_name from 2.54),
    then the full one; adminPass where instance passwords are enabled,
    user_data from 2.57 (and never among the extended attributes)."""
    body = copy.deepcopy(r.server_update(version))
    server = body['properties']['server']
    props = server['properties']
    props.pop('OS-EXT-SRV-ATTR:user_data', None)
    props['adminPass'] = _STR
    if r._at_least(version, '2.54') and 'key_name' not in props:
        props['key_name'] = _STR_OR_NULL
        server['required'] = sorted(server['required'] + ['key_name'])
    if r._at_least(version, '2.57'):
        props['user_data'] = _STR_OR_NULL
        server['required'] = sorted(server['required'] + ['user_data'])
    return body


console_output = r._obj({'output': _STR})


# rescue (200): the admin password where instance passwords are enabled,
# else an empty object; evacuate before 2.14: the same password.
admin_password = {'type': 'object',
                  'properties': {'adminPass': _STR},
                  'additionalProperties': False}


# createImage and createBackup from 2.45 (202).
image_id = {'type': 'object',
            'properties': {'image_id': {'type': 'string', 'format': 'uuid'}},
            'required': ['image_id'], 'additionalProperties': False}


def server_action(version):
    """Any of these bodies: a 202 of rebuild (or, from 2.45, of
    createImage and createBackup), a 200 of console output, rescue or
    evacuate (the other actions have none)."""
    bodies = [server_rebuild(version), console_output, admin_password]
    if r._at_least(version, '2.45'):
        bodies.append(image_id)
    return {'anyOf': bodies}
