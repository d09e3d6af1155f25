"""Errors of the built-in block storage, with Cinder's wording and codes."""

from nova_lite import exception


class VolumeNotFound(exception.NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class VolumeTypeNotFound(exception.NotFound):
    msg_fmt = 'Volume type %(volume_type_id)s could not be found.'


class VolumeTypeNotFoundByName(VolumeTypeNotFound):
    msg_fmt = 'Volume type with name %(volume_type_name)s could not be found.'


class VolumeTypeAccessNotFound(exception.NotFound):
    msg_fmt = ('Volume type access not found for %(volume_type_id)s / '
               '%(project_id)s combination.')


class VolumeTypeAccessExists(exception.Conflict):
    msg_fmt = ('Volume type access for %(volume_type_id)s / '
               '%(project_id)s combination already exists.')


class SnapshotNotFound(exception.NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


class InvalidSnapshot(exception.Invalid):
    msg_fmt = 'Invalid snapshot: %(reason)s'


class GlanceMetadataNotFound(exception.NotFound):
    msg_fmt = 'Glance metadata for volume/snapshot %(id)s cannot be found.'


class VolumeTypeExtraSpecsNotFound(exception.NotFound):
    msg_fmt = ('Volume Type %(volume_type_id)s has no extra specs with key '
               '%(extra_specs_key)s.')


class VolumeAttachmentNotFound(exception.NotFound):
    msg_fmt = 'Volume attachment could not be found with filter: %(filter)s.'


class VersionNotFoundForAPIMethod(exception.NotFound):
    msg_fmt = 'API version %(version)s is not supported on this method.'


class InvalidVolume(exception.Invalid):
    msg_fmt = 'Invalid volume: %(reason)s'


class InvalidVolumeType(exception.Invalid):
    msg_fmt = 'Invalid volume type: %(reason)s'


class InvalidInput(exception.Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class VolumeTypeExists(exception.Conflict):
    msg_fmt = 'Volume Type %(id)s already exists.'


class VolumeTypeInUse(exception.Invalid):
    msg_fmt = 'Target volume type is still in use.'


class VolumeSizeExceedsAvailableQuota(exception.NovaLiteException):
    msg_fmt = ('Requested volume size %(requested)dG is larger than the '
               'largest allowed size %(maximum)dG.')
    code = 413


class ConflictNovaUsingAttachment(exception.Conflict):
    msg_fmt = ('Detach volume from instance %(instance_id)s using the '
               'Compute API')


class ResourceConflict(exception.Conflict):
    msg_fmt = 'Conflicting resource: %(reason)s'


class InvalidGlobalAPIVersion(exception.NovaLiteException):
    msg_fmt = ('Version %(req_ver)s is not supported by the API. Minimum is '
               '%(min_ver)s and maximum is %(max_ver)s.')
    code = 406


class ImageNotAccessible(exception.Invalid):
    msg_fmt = ('Invalid image identifier or unable to access requested '
               'image.')


class ImageTooLarge(exception.Invalid):
    msg_fmt = ('Size of specified image %(image_size)sGB is larger than '
               'volume size %(volume_size)sGB.')


class ImageNotFound(exception.NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ReimageMultipleAttachments(exception.Conflict):
    msg_fmt = ('Cannot re-image a volume which is attached to more than one '
               'server.')
