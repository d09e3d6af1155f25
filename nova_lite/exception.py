"""Domain errors.

Each class carries a message template (nova's wording where nova has the
same error) and the HTTP status nova answers with when the error reaches the
API. The API layer turns them into fault bodies; nothing here knows webob.
"""


class NovaLiteException(Exception):
    msg_fmt = 'An unknown exception occurred.'
    code = 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)

    def format_message(self):
        return self.message


# 400 -----------------------------------------------------------------------

class Invalid(NovaLiteException):
    msg_fmt = 'Bad Request - Invalid Parameters'
    code = 400


class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class InvalidInput(Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class InvalidRequest(Invalid):
    msg_fmt = 'The request is invalid.'


class InvalidAPIVersionString(Invalid):
    msg_fmt = ('API Version String %(version)s is of invalid format. Must '
               'be of format MajorNum.MinorNum.')


class InvalidSortKey(Invalid):
    msg_fmt = 'Sort key supplied was not valid.'


class MarkerNotFound(NovaLiteException):
    msg_fmt = 'Marker %(marker)s could not be found.'
    code = 400


class InvalidBDM(Invalid):
    msg_fmt = 'Block Device Mapping is Invalid.'


class InvalidBDMFormat(InvalidBDM):
    msg_fmt = 'Block Device Mapping is Invalid: %(details)s'


class InvalidBDMBootSequence(InvalidBDM):
    msg_fmt = ('Block Device Mapping is Invalid: Boot sequence for the '
               'instance and image/block device mapping combination is not '
               'valid.')


class InvalidBDMVolume(InvalidBDM):
    msg_fmt = 'Block Device Mapping is Invalid: failed to get volume %(id)s.'


class InvalidVolume(Invalid):
    msg_fmt = 'Invalid volume: %(reason)s'


class VolumeAttachFailed(Invalid):
    msg_fmt = 'Volume %(volume_id)s could not be attached. ' \
              'Reason: %(reason)s'


class VolumeDetachFailed(Invalid):
    msg_fmt = 'Volume %(volume_id)s could not be detached. ' \
              'Reason: %(reason)s'


class InvalidBDMVolumeNotBootable(InvalidBDM):
    msg_fmt = 'Block Device %(id)s is not bootable.'


class InvalidVolumeRequest(InvalidInput):
    """Block storage refused a volume call as invalid ("Invalid volume: ...").

    The message stays nova's: ``Invalid input received: <block storage's
    answer>``.
    """


class InvalidDevicePath(Invalid):
    msg_fmt = 'The supplied device path (%(path)s) is invalid.'


class MultiattachNotSupportedOldMicroversion(Invalid):
    msg_fmt = ('Multiattach volumes are only supported starting with compute '
               'API version 2.60.')


class MultiattachToShelvedNotSupported(Invalid):
    msg_fmt = ('Attaching multiattach volumes is not supported for '
               'shelved-offloaded instances.')


class MultiattachSwapVolumeNotSupported(Invalid):
    msg_fmt = ('Swapping multi-attach volumes with more than one read/write '
               'attachment is not supported.')


class VolumeTaggedAttachNotSupported(Invalid):
    msg_fmt = ('Tagged volume attachment is not supported for this server '
               'instance.')


class VolumeTaggedAttachToShelvedNotSupported(VolumeTaggedAttachNotSupported):
    msg_fmt = ('Tagged volume attachment is not supported for '
               'shelved-offloaded instances.')


class FlavorNotFoundForCreate(Invalid):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class ImageNotFoundForCreate(Invalid):
    msg_fmt = 'Image %(image_id)s could not be found.'


class NotSupported(Invalid):
    msg_fmt = 'Not supported: %(reason)s'


# 401 / 403 -----------------------------------------------------------------

class NotAuthorized(NovaLiteException):
    msg_fmt = 'Not authorized.'
    code = 403


class Forbidden(NotAuthorized):
    msg_fmt = 'Forbidden'


class OverQuota(Forbidden):
    msg_fmt = 'Quota exceeded for resources: %(overs)s'


class MetadataLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of metadata items exceeds %(allowed)d'


class PolicyNotAuthorized(NotAuthorized):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class AdminRequired(NotAuthorized):
    msg_fmt = 'User does not have admin privileges'


class TooManyDiskDevices(Forbidden):
    msg_fmt = ('The maximum allowed number of disk devices (%(maximum)d) to '
               'attach to a single instance has been exceeded.')


# 404 -----------------------------------------------------------------------

class NotFound(NovaLiteException):
    msg_fmt = 'Resource could not be found.'
    code = 404


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class InstanceMappingNotFound(NotFound):
    msg_fmt = 'Instance %(uuid)s has no mapping to a cell.'


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class FlavorAccessNotFound(NotFound):
    msg_fmt = ('Flavor access not found for %(flavor_id)s / '
               '%(project_id)s combination.')


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = ('Flavor %(flavor_id)s has no extra specs with key '
               '%(extra_specs_key)s.')


class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = ('Migration not found for instance %(instance_id)s with '
               'status %(status)s.')


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = ('Migration %(migration_id)s not found for instance '
               '%(instance_id)s')


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ImageNotAuthorized(NotAuthorized):
    msg_fmt = 'Not authorized for image %(image_id)s.'


class VolumeNotFound(NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class SnapshotNotFound(NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


class VolumeAttachmentNotFound(NotFound):
    msg_fmt = 'Volume attachment %(attachment_id)s could not be found.'


class VolumeBDMNotFound(NotFound):
    msg_fmt = 'No volume Block Device Mapping with id %(volume_id)s.'


class VolumeBDMIsMultiAttach(Invalid):
    msg_fmt = ('Block Device Mapping %(volume_id)s is a multi-attach volume'
               ' and is not valid for this operation.')


class VolumeBDMPathNotFound(VolumeBDMNotFound):
    msg_fmt = 'No volume Block Device Mapping at path: %(path)s'


class VolumeNotAttached(NotFound):
    msg_fmt = 'Instance %(instance)s is not attached to volume %(volume)s'


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class HostMappingNotFound(NotFound):
    msg_fmt = 'Host %(name)s is not mapped to any cell'


class CellMappingNotFound(NotFound):
    msg_fmt = 'Cell %(uuid)s has no mapping.'


class BuildRequestNotFound(NotFound):
    msg_fmt = 'BuildRequest not found for instance %(uuid)s'


# 409 -----------------------------------------------------------------------

class Conflict(NovaLiteException):
    msg_fmt = 'Conflict'
    code = 409


class FlavorExists(Conflict):
    msg_fmt = 'Flavor with name %(name)s already exists.'


class FlavorIdExists(Conflict):
    msg_fmt = 'Flavor with ID %(flavor_id)s already exists.'


class FlavorAccessExists(Conflict):
    msg_fmt = ('Flavor access already exists for flavor %(flavor_id)s and '
               'project %(project_id)s combination.')


class InstanceInvalidState(Conflict):
    msg_fmt = ('Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot '
               '%(method)s while the instance is in this state.')


class InstanceIsLocked(Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


class InstanceExists(Conflict):
    msg_fmt = 'Instance %(name)s already exists.'


class DevicePathInUse(Conflict):
    msg_fmt = 'The supplied device path (%(path)s) is in use.'


class MultiattachSupportNotYetAvailable(Conflict):
    msg_fmt = 'Multiattach volume support is not yet available.'


class MultiattachNotSupportedByVirtDriver(Conflict):
    msg_fmt = ("Volume %(volume_id)s has 'multiattach' set, which is not "
               "supported for this instance.")


class ServiceUnavailable(Conflict):
    msg_fmt = 'Service is unavailable at this time.'


class ComputeServiceUnavailable(ServiceUnavailable):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class ServiceBinaryExists(Conflict):
    msg_fmt = 'Service with host %(host)s binary %(binary)s exists.'


class ServiceTopicExists(Conflict):
    msg_fmt = 'Service with host %(host)s topic %(topic)s exists.'


class CellMappingExists(Conflict):
    msg_fmt = 'A cell named %(name)s already exists.'


class InstanceActionNotAllowed(Conflict):
    msg_fmt = '%(reason)s'


# 500 / 503 -----------------------------------------------------------------

class NoValidHost(NovaLiteException):
    msg_fmt = 'No valid host was found. %(reason)s'


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = 'Exceeded maximum number of retries. %(reason)s'


class BuildAbortException(NovaLiteException):
    msg_fmt = 'Build of instance %(instance_uuid)s aborted: %(reason)s'


class RescheduledException(NovaLiteException):
    msg_fmt = ('Build of instance %(instance_uuid)s was re-scheduled: '
               '%(reason)s')


class InstanceDeployFailure(NovaLiteException):
    msg_fmt = 'Failed to deploy instance: %(reason)s'


class VirtDriverNotFound(NovaLiteException):
    msg_fmt = 'Could not load the virt driver %(name)s.'


class DatabaseConnectionFailed(NovaLiteException):
    """A configured database cannot be used: its URL names no database
    nova_lite can reach (``usage``), or the database does not answer."""
    msg_fmt = 'cannot use the database of [%(group)s] connection: ' \
        '%(reason)s'

    def __init__(self, group, connection, reason, usage=False):
        super().__init__(group=group, reason=reason)
        self.group = group
        self.connection = connection
        self.reason = reason
        self.usage = usage


class CinderConnectionFailed(NovaLiteException):
    msg_fmt = 'Connection to cinder host failed: %(reason)s'
    code = 503


class VolumeNotCreated(NovaLiteException):
    msg_fmt = ('Volume %(volume_id)s did not finish being created even after '
               'we waited %(seconds)s seconds or %(attempts)s attempts. And '
               'its status is %(volume_status)s.')


class CinderAPIVersionNotAvailable(NovaLiteException):
    msg_fmt = 'Cinder API version %(version)s is not available.'


class UnsupportedCinderAPIVersion(NovaLiteException):
    msg_fmt = 'Nova does not support Cinder API version %(version)s'


class DBNotAllowed(NovaLiteException):
    msg_fmt = '%(binary)s attempted direct database access which is not allowed.'


class TooOldComputeService(NovaLiteException):
    msg_fmt = ('This service is older (v%(thisver)i) than the minimum '
               '(v%(minver)i) version of the rest of the deployment. Unable '
               'to continue.')


class InstanceNotReady(Conflict):
    msg_fmt = 'Instance %(instance_id)s is not ready'


class ImageUnacceptable(Invalid):
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class ConsoleNotAvailable(NotFound):
    msg_fmt = 'Guest does not have a console available.'


class CertificateValidationFailed(Invalid):
    msg_fmt = ('Image signature certificate validation failed for '
               'certificate: %(cert_uuid)s. %(reason)s')


class UnshelveInstanceInvalidState(Conflict):
    msg_fmt = ('Specifying an availability zone or a host when unshelving '
               'server "%(instance_uuid)s" with status "%(state)s" is not '
               'supported. The server status must be SHELVED_OFFLOADED.')


class UnshelveHostNotInAZ(Conflict):
    msg_fmt = ('Host "%(host)s" is not in the availability zone '
               '"%(availability_zone)s".')


class HostBinaryNotFound(NotFound):
    msg_fmt = 'Could not find binary %(binary)s on host %(host)s.'


# Key pairs and quotas ------------------------------------------------------

class InvalidKeypair(Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class TooManyInstances(OverQuota):
    msg_fmt = ('Quota exceeded for %(overs)s: Requested %(req)s, but '
               'already used %(used)s of %(allowed)s %(overs)s')


class OnsetFileLimitExceeded(OverQuota):
    msg_fmt = 'Personality file limit exceeded'


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file path exceeds maximum %(allowed)s'


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    msg_fmt = 'Personality file content exceeds maximum %(allowed)s'


class KeypairLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many key pairs.'


class ServerGroupLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many server groups.'


class GroupMemberLimitExceeded(OverQuota):
    msg_fmt = 'Quota exceeded, too many servers in group'


class QuotaResourceUnknown(NotFound):
    msg_fmt = 'Unknown quota resources %(unknown)s.'


class InvalidQuotaValue(Invalid):
    msg_fmt = ('Change would make usage less than 0 for the following '
               'resources: %(unders)s')


class AmbiguousHostnameForMultipleInstances(Invalid):
    msg_fmt = 'Unable to allocate a single hostname to multiple instances'


class PinnedZoneChange(Conflict):
    msg_fmt = ('Cannot change pinned availability zone directly. Unpin '
               'first by setting pinned_availability_zone to null.')


class PinnedZoneMismatch(Conflict):
    msg_fmt = ("Server can only be pinned to its current availability zone "
               "'%(current_az)s', but '%(requested_az)s' was requested.")


class RootVolumeDetach(Invalid):
    msg_fmt = 'Cannot detach a root device volume'


class InstanceTagNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s has no tag '%(tag)s'"


# Server groups, aggregates and availability zones ----------------------------

class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class AggregateNameExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_name)s already exists.'


class AggregateHostExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class InvalidAggregateAction(Invalid):
    msg_fmt = 'Unacceptable parameters.'


class InvalidAggregateActionAdd(InvalidAggregateAction):
    msg_fmt = ('Cannot add host to aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')


class InvalidAggregateActionDelete(InvalidAggregateAction):
    msg_fmt = ('Cannot remove host from aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')


class InvalidAggregateActionUpdate(InvalidAggregateAction):
    msg_fmt = ('Cannot update aggregate %(aggregate_id)s. Reason: '
               '%(reason)s.')


class InvalidAggregateActionUpdateMeta(InvalidAggregateAction):
    msg_fmt = ('Cannot update metadata of aggregate %(aggregate_id)s. '
               'Reason: %(reason)s.')


class MismatchVolumeAZException(Invalid):
    msg_fmt = ('The availability zone between the server and its attached '
               'volumes do not match: %(reason)s.')


# Moving servers ---------------------------------------------------------------

class CannotResizeToSameFlavor(Invalid):
    msg_fmt = 'When resizing, instances must change flavor!'


class CannotResizeDisk(Invalid):
    msg_fmt = 'Server disk was unable to be resized because: %(reason)s'


class CannotMigrateToSameHost(Invalid):
    msg_fmt = 'Cannot migrate to the host where the server exists.'


class UnableToMigrateToSelf(Invalid):
    msg_fmt = ('Unable to migrate instance (%(instance_id)s) to current '
               'host (%(host)s).')


class MigrationPreCheckError(Invalid):
    msg_fmt = 'Migration pre-check error: %(reason)s'


class ComputeServiceInUse(Invalid):
    msg_fmt = 'Compute service of %(host)s is still in use.'


class InstanceNotRescuable(Invalid):
    msg_fmt = 'Instance %(instance_id)s cannot be rescued: %(reason)s'


class InvalidMigrationState(Invalid):
    msg_fmt = ('Migration %(migration_id)s state of instance '
               '%(instance_uuid)s is %(state)s. Cannot %(method)s while the '
               'migration is in this state.')


class ResizeError(NovaLiteException):
    msg_fmt = 'Resize error: %(reason)s'


class InstanceFaultRollback(NovaLiteException):
    """A move refused before anything changed: the server stays as it
    was, the fault is ``inner_exception``'s."""

    def __init__(self, inner_exception=None):
        self.inner_exception = inner_exception
        super().__init__('Instance rollback performed due to: %s'
                         % inner_exception)


class InstancePasswordSetFailed(NovaLiteException):
    msg_fmt = ('Failed to set admin password on %(instance)s because '
               '%(reason)s')
    code = 409


class InstanceAgentNotEnabled(Invalid):
    msg_fmt = 'Guest agent is not enabled for the instance'


class QemuGuestAgentNotEnabled(InstanceAgentNotEnabled):
    msg_fmt = 'QEMU guest agent is not enabled'


class SetAdminPasswdNotSupported(Invalid):
    msg_fmt = 'Set admin password is not supported'


class UnsupportedRescueImage(Invalid):
    msg_fmt = "Requested rescue image '%(image)s' is not supported"
