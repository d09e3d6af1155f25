"""/extensions: the fixed list of extension records nova still serves
(data in ``nova_lite/api/extensions.json``)."""

import copy
import json
import os

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.schemas import admin_views

POLICY = 'os_compute_api:extensions'


def _load():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)),
                        'extensions.json')
    with open(path) as f:
        return json.load(f)


EXTENSIONS = _load()
_BY_ALIAS = {e['alias']: e for e in EXTENSIONS}


class ExtensionsController(common.RestController):

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_all(self, **kwargs):
        common.context().can(POLICY, target={})
        return {'extensions': copy.deepcopy(EXTENSIONS)}

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_one(self, alias, **kwargs):
        common.context().can(POLICY, target={})
        extension = _BY_ALIAS.get(alias)
        if extension is None:
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        return {'extension': copy.deepcopy(extension)}
