"""Server groups (API database: instance_groups, instance_group_policy,
instance_group_member), kept as nova keeps them: one policy row per group
holding the policy name and its rules as JSON, one member row per server.
"""

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception
from nova_lite.objects import base

POLICIES = ('affinity', 'anti-affinity', 'soft-affinity',
            'soft-anti-affinity')
HARD_POLICIES = ('affinity', 'anti-affinity')


class InstanceGroup(base.Record):
    FIELDS = ('id', 'uuid', 'name', 'project_id', 'user_id', 'policy',
              'created_at', 'updated_at')
    JSON_FIELDS = {'rules': dict, 'members': list}

    @property
    def policies(self):
        """The pre-2.64 form: a list of (at most) one policy."""
        return [self.policy] if self.policy else []

    @property
    def max_server_per_host(self):
        return int(self.rules.get('max_server_per_host', 1))


def _rules(raw):
    rules = jsonutils.loads(raw) if raw else {}
    if 'max_server_per_host' in rules:
        rules['max_server_per_host'] = int(rules['max_server_per_host'])
    return rules


def _load(session, rows):
    """Records of group ``rows`` with their policy and members."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    policies, members = {}, {}
    for p in session.query(models.InstanceGroupPolicy).filter(
            models.InstanceGroupPolicy.group_id.in_(ids)).order_by(
            models.InstanceGroupPolicy.id):
        policies.setdefault(p.group_id, p)
    for m in session.query(models.InstanceGroupMember).filter(
            models.InstanceGroupMember.group_id.in_(ids)).order_by(
            models.InstanceGroupMember.id):
        members.setdefault(m.group_id, []).append(m.instance_uuid)
    out = []
    for row in rows:
        policy = policies.get(row.id)
        out.append(InstanceGroup(
            id=row.id, uuid=row.uuid, name=row.name,
            project_id=row.project_id, user_id=row.user_id,
            policy=policy.policy if policy else None,
            rules=_rules(policy.rules) if policy else {},
            members=members.get(row.id, []),
            created_at=row.created_at, updated_at=row.updated_at))
    return out


def _visible(context, query):
    if not context.is_admin:
        query = query.filter(
            models.InstanceGroup.project_id == context.project_id)
    return query


@db_api.api_writer
def create(context, name, project_id, user_id, policy, rules=None):
    row = models.InstanceGroup(uuid=uuidutils.generate_uuid(), name=name,
                               project_id=project_id, user_id=user_id)
    context.session.add(row)
    context.session.flush()
    context.session.add(models.InstanceGroupPolicy(
        group_id=row.id, policy=policy,
        rules=jsonutils.dumps(rules or {})))
    context.session.flush()
    return _load(context.session, [row])[0]


@db_api.api_reader
def get_by_uuid(context, uuid):
    """The group; another project's is not found unless admin (as nova)."""
    row = _visible(context, context.session.query(
        models.InstanceGroup)).filter(
        models.InstanceGroup.uuid == uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=uuid)
    return _load(context.session, [row])[0]


@db_api.api_reader
def get_all(context, project_id=None):
    """Every group (``project_id`` None) or a project's, oldest first."""
    query = context.session.query(models.InstanceGroup)
    if project_id is not None:
        query = query.filter(models.InstanceGroup.project_id == project_id)
    return _load(context.session,
                 query.order_by(models.InstanceGroup.id).all())


@db_api.api_reader
def count_by_project(context, project_id, user_id=None):
    """Groups of a project (and of one user in it, with ``user_id``)."""
    query = context.session.query(models.InstanceGroup).filter(
        models.InstanceGroup.project_id == project_id)
    if user_id is not None:
        query = query.filter(models.InstanceGroup.user_id == user_id)
    return query.count()


@db_api.api_reader
def count_members_by_user(context, group_uuid, user_id):
    """Servers of ``user_id`` in a group, deleted ones left out."""
    mappings = models.InstanceMapping
    return context.session.query(models.InstanceGroupMember).join(
        models.InstanceGroup,
        models.InstanceGroup.id == models.InstanceGroupMember.group_id
    ).join(
        mappings,
        mappings.instance_uuid == models.InstanceGroupMember.instance_uuid
    ).filter(models.InstanceGroup.uuid == group_uuid,
             mappings.user_id == user_id,
             mappings.queued_for_delete == sa.false()).count()


@db_api.api_reader
def count_members(context, group_uuid):
    return context.session.query(models.InstanceGroupMember).join(
        models.InstanceGroup,
        models.InstanceGroup.id == models.InstanceGroupMember.group_id
    ).filter(models.InstanceGroup.uuid == group_uuid).count()


@db_api.api_writer
def destroy(context, uuid):
    row = _visible(context, context.session.query(
        models.InstanceGroup)).filter(
        models.InstanceGroup.uuid == uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=uuid)
    for model in (models.InstanceGroupPolicy, models.InstanceGroupMember):
        context.session.query(model).filter(
            model.group_id == row.id).delete(synchronize_session=False)
    context.session.delete(row)


@db_api.api_writer
def add_members(context, group_uuid, instance_uuids):
    row = context.session.query(models.InstanceGroup).filter(
        models.InstanceGroup.uuid == group_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    present = {m.instance_uuid for m in context.session.query(
        models.InstanceGroupMember).filter(
        models.InstanceGroupMember.group_id == row.id,
        models.InstanceGroupMember.instance_uuid.in_(instance_uuids))}
    for uuid in instance_uuids:
        if uuid not in present:
            context.session.add(models.InstanceGroupMember(
                group_id=row.id, instance_uuid=uuid))
            present.add(uuid)


_MEMBERS = models.InstanceGroupMember.__table__
_REMOVE_MEMBER = _MEMBERS.delete().where(
    _MEMBERS.c.instance_uuid == sa.bindparam('b_uuid'))


@db_api.api_conn_writer
def remove_member(context, instance_uuid):
    """Take a server out of whichever group holds it."""
    context.connection.execute(_REMOVE_MEMBER, {'b_uuid': instance_uuid})


@db_api.api_reader
def get_by_instance(context, instance_uuid):
    """The group holding a server, or None."""
    member = context.session.query(models.InstanceGroupMember).filter(
        models.InstanceGroupMember.instance_uuid == instance_uuid).first()
    if member is None:
        return None
    row = context.session.query(models.InstanceGroup).filter(
        models.InstanceGroup.id == member.group_id).first()
    return _load(context.session, [row])[0] if row is not None else None
