"""Request context: who is asking, and which cell database it talks to."""

import copy

from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade

from nova_lite import exception


@enginefacade.transaction_context_provider
class RequestContext(oslo_context.RequestContext):
    """oslo.context request context, also an enginefacade transaction provider.

    ``db_connection`` is the enginefacade transaction context of the cell
    database the context is targeted at (``None`` means the process' own
    ``[database]``); ``cell_uuid`` names that cell.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 service_catalog=None, user_auth_plugin=None, **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        self.service_catalog = service_catalog or []
        self.user_auth_plugin = user_auth_plugin
        self.db_connection = None
        self.cell_uuid = None
        self.enforcer = None

    def to_dict(self):
        values = super().to_dict()
        values.update({
            'user_id': self.user_id,
            'project_id': self.project_id,
            'read_deleted': self.read_deleted,
            'remote_address': self.remote_address,
            'service_catalog': self.service_catalog,
        })
        return values

    @classmethod
    def from_dict(cls, values):
        return super().from_dict(
            values,
            user_id=values.get('user_id'),
            project_id=values.get('project_id'),
            is_admin=values.get('is_admin'),
            read_deleted=values.get('read_deleted', 'no'),
            remote_address=values.get('remote_address'),
            service_catalog=values.get('service_catalog'),
        )

    def elevated(self, read_deleted=None):
        ctx = copy.copy(self)
        ctx.roles = list(ctx.roles)
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles.append('admin')
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def can(self, action, target=None, fatal=True):
        """Check policy ``action`` for this context against ``target``."""
        if self.enforcer is None:
            raise exception.PolicyNotAuthorized(action=action)
        if target is None:
            target = {'project_id': self.project_id,
                      'user_id': self.user_id}
        return self.enforcer.authorize(self, action, target, fatal=fatal)


def get_admin_context(read_deleted='no'):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], read_deleted=read_deleted,
                          overwrite=False)


def target_cell(context, cell_mapping):
    """A copy of ``context`` targeted at ``cell_mapping``'s database."""
    from nova_lite.db import api as db_api

    cctxt = copy.copy(context)
    if cell_mapping is None:
        cctxt.db_connection = None
        cctxt.cell_uuid = None
    else:
        cctxt.db_connection = db_api.get_cell_context_manager(
            cell_mapping.database_connection)
        cctxt.cell_uuid = cell_mapping.uuid
    return cctxt
