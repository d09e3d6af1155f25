"""A server's metadata and tags as the API changes them.

Both live with the server (the ``server_metadata`` and ``tags`` JSON
columns of ``instances``, or the build request's copy of the server while
it is being scheduled), so the server views and list filters read them
with the server. A change is a read, a check and a write in one cell
transaction: two concurrent changes never lose one another, and a refused
change writes nothing.
"""

from nova_lite.compute import checks
from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite import quota

# The states in which nova lets metadata and tags change.
CHANGE_STATES = (instance_obj.ACTIVE, instance_obj.PAUSED,
                 instance_obj.SUSPENDED, instance_obj.STOPPED)
MAX_TAG_COUNT = 50


@db_api.cell_conn_writer
def _change(context, uuid, field, change, check):
    row = context.connection.execute(instance_obj._BY_UUID['no'],
                                     {'uuid': uuid}).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    instance = instance_obj._to_record(context, row, with_extra=False)
    check(instance)
    value = change(getattr(instance, field))
    instance_obj.update(context, uuid, {field: value})
    return value


def change(context, instance, cell, field, change, check):
    """Apply ``change`` (old value -> new value) to the server's ``field``
    (``metadata`` or ``tags``) after ``check(instance)`` passed on the
    server as read in the same transaction; returns the new value."""
    if cell is None:
        # Still a build request: nova refuses, the server is building.
        check(instance)
        raise exception.InstanceInvalidState(
            attr='vm_state', instance_uuid=instance.uuid,
            state=instance.vm_state, method='update')
    cctxt = nl_context.target_cell(context, cell)
    return _change(cctxt, instance.uuid, field, change, check)


def _metadata_check(context, method):
    def check(instance):
        checks.check_lock(context, instance)
        # As nova: any task state, but launched once.
        checks.check_state(instance, method, vm_states=CHANGE_STATES,
                           task_states=None, must_have_launched=True)
    return check


def update_metadata(context, instance, cell, metadata, delete=False):
    """Merge ``metadata`` into the server's (replace it with ``delete``);
    returns the server's metadata. The result is held to the
    ``metadata_items`` quota of the caller's project (``[quota]
    metadata_items`` unless the project's quota says otherwise)."""
    def merge(current):
        new = dict(metadata) if delete else dict(current or {}, **metadata)
        quota.check_metadata_items(context, new)
        return new
    return change(context, instance, cell, 'metadata', merge,
                  _metadata_check(context, 'update metadata'))


def delete_metadata_item(context, instance, cell, key):
    def remove(current):
        current = dict(current or {})
        if key not in current:
            raise exception.NotFound()
        del current[key]
        return current
    return change(context, instance, cell, 'metadata', remove,
                  _metadata_check(context, 'delete metadata'))


def _tags_check(method):
    def check(instance):
        checks.check_state(instance, method, vm_states=CHANGE_STATES,
                           task_states=None, must_have_launched=False)
    return check


def _unique(tags):
    out = []
    for tag in tags:
        if tag not in out:
            out.append(tag)
    return out


def set_tags(context, instance, cell, tags):
    """Replace the server's tags; returns them."""
    return change(context, instance, cell, 'tags',
                  lambda current: _unique(tags), _tags_check('update tags'))


def add_tag(context, instance, cell, tag, validate):
    """Add ``tag``: ``validate()`` runs once the state allows it; returns
    whether the tag is new. Over MAX_TAG_COUNT tags is a 400."""
    added = []
    check_state = _tags_check('update tag')

    def check(instance):
        check_state(instance)
        validate()

    def add(current):
        current = list(current or [])
        if len(current) >= MAX_TAG_COUNT:
            raise exception.Invalid(
                'The number of tags exceeded the per-server limit %d'
                % MAX_TAG_COUNT)
        if tag not in current:
            current.append(tag)
            added.append(tag)
        return current
    change(context, instance, cell, 'tags', add, check)
    return bool(added)


def delete_tag(context, instance, cell, tag):
    def remove(current):
        current = list(current or [])
        if tag not in current:
            raise exception.InstanceTagNotFound(instance_id=instance.uuid,
                                                tag=tag)
        current.remove(tag)
        return current
    return change(context, instance, cell, 'tags', remove,
                  _tags_check('delete tag'))


def delete_all_tags(context, instance, cell):
    return change(context, instance, cell, 'tags', lambda current: [],
                  _tags_check('delete tags'))
