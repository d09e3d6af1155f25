"""Policies of the built-in block storage service.

The names are Cinder's, so a Cinder policy file's overrides for these
actions apply unchanged. Volume and attachment rules are checked against the
volume's project.
"""

from oslo_policy import policy

from nova_lite.policies import base

V = '/v3/{project_id}'

CREATE = 'volume:create'
CREATE_FROM_IMAGE = 'volume:create_from_image'
GET = 'volume:get'
GET_ALL = 'volume:get_all'
UPDATE = 'volume:update'
DELETE = 'volume:delete'
FORCE_DELETE = 'volume:force_delete'
RESET_STATUS = 'volume_extension:volume_admin_actions:reset_status'
RESERVE = 'volume_extension:volume_actions:reserve'
UNRESERVE = 'volume_extension:volume_actions:unreserve'
BEGIN_DETACHING = 'volume_extension:volume_actions:begin_detaching'
ROLL_DETACHING = 'volume_extension:volume_actions:roll_detaching'
EXTEND = 'volume:extend'
SET_BOOTABLE = 'volume:update_volume_bootable'
HOST_ATTRIBUTE = 'volume_extension:volume_host_attribute'
TENANT_ATTRIBUTE = 'volume_extension:volume_tenant_attribute'
MIG_ATTRIBUTE = 'volume_extension:volume_mig_status_attribute'
TYPES_MANAGE = 'volume_extension:types_manage'
TYPES_EXTRA_SPECS = 'volume_extension:access_types_extra_specs'
TYPES_QOS = 'volume_extension:access_types_qos_specs_id'
ATTACHMENT_GET = 'volume:attachment_get'
ATTACHMENT_CREATE = 'volume:attachment_create'
ATTACHMENT_UPDATE = 'volume:attachment_update'
ATTACHMENT_DELETE = 'volume:attachment_delete'
ATTACHMENT_COMPLETE = 'volume:attachment_complete'
MULTIATTACH_BOOTABLE = 'volume:multiattach_bootable_volume'
USED_LIMITS = 'limits_extension:used_limits'
REIMAGE = 'volume:reimage'
REIMAGE_RESERVED = 'volume:reimage_reserved'
METADATA_GET = 'volume:get_volume_metadata'
METADATA_CREATE = 'volume:create_volume_metadata'
METADATA_UPDATE = 'volume:update_volume_metadata'
METADATA_DELETE = 'volume:delete_volume_metadata'
RETYPE = 'volume:retype'
MULTIATTACH = 'volume:multiattach'
TYPE_ACCESS = 'volume_extension:volume_type_access'
TYPE_ACCESS_ADD = 'volume_extension:volume_type_access:addProjectAccess'
TYPE_ACCESS_REMOVE = \
    'volume_extension:volume_type_access:removeProjectAccess'
TYPE_ACCESS_WHO = 'volume_extension:volume_type_access:get_all_for_type'
IMAGE_METADATA_SHOW = 'volume_extension:volume_image_metadata:show'
IMAGE_METADATA_SET = 'volume_extension:volume_image_metadata:set'
IMAGE_METADATA_REMOVE = 'volume_extension:volume_image_metadata:remove'


def _rule(name, check, description, *ops):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=base.operations(*ops), scope_types=['project'])


rules = [
    _rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN, 'Create a volume.',
          ('POST', V + '/volumes')),
    _rule(CREATE_FROM_IMAGE, base.PROJECT_MEMBER_OR_ADMIN,
          'Create a volume from an image.', ('POST', V + '/volumes')),
    _rule(GET, base.PROJECT_READER_OR_ADMIN, 'Show a volume.',
          ('GET', V + '/volumes/{volume_id}')),
    _rule(GET_ALL, base.PROJECT_READER_OR_ADMIN,
          'List volumes (administrators may list every project\'s with '
          'all_tenants).',
          ('GET', V + '/volumes'), ('GET', V + '/volumes/detail')),
    _rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Update a volume\'s name, description or metadata.',
          ('PUT', V + '/volumes/{volume_id}')),
    _rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN, 'Delete a volume.',
          ('DELETE', V + '/volumes/{volume_id}')),
    _rule(FORCE_DELETE, base.ADMIN, 'Delete a volume whatever its status.',
          ('POST', V + '/volumes/{volume_id}/action (os-force_delete)')),
    _rule(RESET_STATUS, base.ADMIN, 'Reset the status of a volume.',
          ('POST', V + '/volumes/{volume_id}/action (os-reset_status)')),
    _rule(RESERVE, base.PROJECT_MEMBER_OR_ADMIN,
          'Mark a volume as attaching.',
          ('POST', V + '/volumes/{volume_id}/action (os-reserve)')),
    _rule(UNRESERVE, base.PROJECT_MEMBER_OR_ADMIN,
          'Undo os-reserve.',
          ('POST', V + '/volumes/{volume_id}/action (os-unreserve)')),
    _rule(BEGIN_DETACHING, base.PROJECT_MEMBER_OR_ADMIN,
          'Mark a volume as detaching.',
          ('POST', V + '/volumes/{volume_id}/action (os-begin_detaching)')),
    _rule(ROLL_DETACHING, base.PROJECT_MEMBER_OR_ADMIN,
          'Undo os-begin_detaching.',
          ('POST', V + '/volumes/{volume_id}/action (os-roll_detaching)')),
    _rule(EXTEND, base.PROJECT_MEMBER_OR_ADMIN, 'Extend a volume.',
          ('POST', V + '/volumes/{volume_id}/action (os-extend)')),
    _rule(SET_BOOTABLE, base.PROJECT_MEMBER_OR_ADMIN,
          'Set or clear the bootable flag of a volume.',
          ('POST', V + '/volumes/{volume_id}/action (os-set_bootable)')),
    _rule(HOST_ATTRIBUTE, base.ADMIN,
          'Show os-vol-host-attr:host in volume bodies.',
          ('GET', V + '/volumes/{volume_id}'),
          ('GET', V + '/volumes/detail')),
    _rule(TENANT_ATTRIBUTE, base.ADMIN,
          'Show os-vol-tenant-attr:tenant_id in volume bodies.',
          ('GET', V + '/volumes/{volume_id}'),
          ('GET', V + '/volumes/detail')),
    _rule(MIG_ATTRIBUTE, base.ADMIN,
          'Show the os-vol-mig-status-attr fields in volume bodies.',
          ('GET', V + '/volumes/{volume_id}'),
          ('GET', V + '/volumes/detail')),
    _rule(TYPES_MANAGE, base.ADMIN,
          'Create, update and delete volume types and their extra specs.',
          ('POST', V + '/types'), ('PUT', V + '/types/{type_id}'),
          ('DELETE', V + '/types/{type_id}'),
          ('POST', V + '/types/{type_id}/extra_specs'),
          ('PUT', V + '/types/{type_id}/extra_specs/{key}'),
          ('DELETE', V + '/types/{type_id}/extra_specs/{key}')),
    _rule(TYPES_EXTRA_SPECS, base.PROJECT_READER_OR_ADMIN,
          'Include extra_specs in volume type bodies and read them.',
          ('GET', V + '/types/{type_id}'),
          ('GET', V + '/types/{type_id}/extra_specs')),
    _rule(TYPES_QOS, base.ADMIN,
          'Include qos_specs_id in volume type bodies.',
          ('GET', V + '/types'), ('GET', V + '/types/{type_id}')),
    _rule(ATTACHMENT_GET, base.PROJECT_READER_OR_ADMIN,
          'List and show attachments.',
          ('GET', V + '/attachments'), ('GET', V + '/attachments/detail'),
          ('GET', V + '/attachments/{attachment_id}')),
    _rule(ATTACHMENT_CREATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Create an attachment.', ('POST', V + '/attachments')),
    _rule(ATTACHMENT_UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Update an attachment with a host connector.',
          ('PUT', V + '/attachments/{attachment_id}')),
    _rule(ATTACHMENT_DELETE, base.PROJECT_MEMBER_OR_ADMIN,
          'Delete an attachment.',
          ('DELETE', V + '/attachments/{attachment_id}')),
    _rule(ATTACHMENT_COMPLETE, base.PROJECT_MEMBER_OR_ADMIN,
          'Mark an attachment as attached.',
          ('POST', V + '/attachments/{attachment_id}/action (os-complete)')),
    _rule(MULTIATTACH_BOOTABLE, base.PROJECT_MEMBER_OR_ADMIN,
          'Attach a bootable multiattach volume that is already in use.',
          ('POST', V + '/attachments')),
    _rule(USED_LIMITS, base.PROJECT_READER_OR_ADMIN,
          'Show limits with used limit attributes.',
          ('GET', V + '/limits')),
    _rule(REIMAGE, base.PROJECT_MEMBER_OR_ADMIN,
          "Reimage a volume in 'available' or 'error' status.",
          ('POST', V + '/volumes/{volume_id}/action (os-reimage)')),
    _rule(REIMAGE_RESERVED, base.PROJECT_MEMBER_OR_ADMIN,
          "Reimage a volume in 'reserved' status.",
          ('POST', V + '/volumes/{volume_id}/action (os-reimage)')),
    _rule(METADATA_GET, base.PROJECT_READER_OR_ADMIN,
          'Show a volume\'s metadata or one of its items.',
          ('GET', V + '/volumes/{volume_id}/metadata'),
          ('GET', V + '/volumes/{volume_id}/metadata/{key}')),
    _rule(METADATA_CREATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Add or update items of a volume\'s metadata.',
          ('POST', V + '/volumes/{volume_id}/metadata')),
    _rule(METADATA_UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Replace a volume\'s metadata or set one item.',
          ('PUT', V + '/volumes/{volume_id}/metadata'),
          ('PUT', V + '/volumes/{volume_id}/metadata/{key}')),
    _rule(METADATA_DELETE, base.PROJECT_MEMBER_OR_ADMIN,
          'Delete an item of a volume\'s metadata.',
          ('DELETE', V + '/volumes/{volume_id}/metadata/{key}')),
    _rule(RETYPE, base.PROJECT_MEMBER_OR_ADMIN,
          'Change the type of a volume.',
          ('POST', V + '/volumes/{volume_id}/action (os-retype)')),
    _rule(MULTIATTACH, base.PROJECT_MEMBER_OR_ADMIN,
          'Retype a volume to a multiattach type.',
          ('POST', V + '/volumes/{volume_id}/action (os-retype)')),
    _rule(TYPE_ACCESS, base.PROJECT_MEMBER_OR_ADMIN,
          'Show os-volume-type-access:is_public in volume type bodies.',
          ('GET', V + '/types'), ('GET', V + '/types/{type_id}'),
          ('POST', V + '/types')),
    _rule(TYPE_ACCESS_ADD, base.ADMIN,
          'Give a project access to a private volume type.',
          ('POST', V + '/types/{type_id}/action (addProjectAccess)')),
    _rule(TYPE_ACCESS_REMOVE, base.ADMIN,
          'Take a project\'s access to a private volume type away.',
          ('POST', V + '/types/{type_id}/action (removeProjectAccess)')),
    _rule(TYPE_ACCESS_WHO, base.ADMIN,
          'List the projects that have access to a private volume type.',
          ('GET', V + '/types/{type_id}/os-volume-type-access')),
    _rule(IMAGE_METADATA_SHOW, base.PROJECT_READER_OR_ADMIN,
          'Show volume_image_metadata in volume bodies and read it.',
          ('GET', V + '/volumes/{volume_id}'),
          ('GET', V + '/volumes/detail')),
    _rule(IMAGE_METADATA_SET, base.PROJECT_MEMBER_OR_ADMIN,
          'Set items of a volume\'s image metadata.',
          ('POST', V + '/volumes/{volume_id}/action '
                       '(os-set_image_metadata)')),
    _rule(IMAGE_METADATA_REMOVE, base.PROJECT_MEMBER_OR_ADMIN,
          'Remove an item of a volume\'s image metadata.',
          ('POST', V + '/volumes/{volume_id}/action '
                       '(os-unset_image_metadata)')),
]


def list_rules():
    return rules
