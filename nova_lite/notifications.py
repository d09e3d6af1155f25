"""Notifications of finished operations, with nova's event type names
(``instance.create.end``, ``instance.volume_attach.end``, ...).

Two ways out:

* listeners registered in the same process (the benchmarks; tools
  embedding the all-in-one) are called synchronously; with none
  registered, emitting costs a list lookup;
* a compute host's :class:`Notifier` sends them through oslo.messaging, as
  nova does: versioned notifications with nova's payloads to
  ``[notifications] versioned_notifications_topics``, legacy ones
  (``compute.instance.volume.attach``, ...) to ``[oslo_messaging_
  notifications] topics``, as ``[notifications] notification_format``
  says. Nothing is built or sent while ``[oslo_messaging_notifications]
  driver`` is unset (nova's default too).
"""

import datetime
import logging
import threading
import traceback

import oslo_messaging as messaging
from oslo_utils import timeutils

from nova_lite import rpc

LOG = logging.getLogger(__name__)

_LISTENERS = []
_LOCK = threading.Lock()


def add_listener(callback):
    """``callback(event_type, instance_uuid, payload)``."""
    with _LOCK:
        _LISTENERS.append(callback)


def remove_listener(callback):
    with _LOCK:
        if callback in _LISTENERS:
            _LISTENERS.remove(callback)


def notify(event_type, instance_uuid, **payload):
    for callback in list(_LISTENERS):
        try:
            callback(event_type, instance_uuid, payload)
        except Exception:
            LOG.exception('Notification listener failed on %s', event_type)


# -- payloads ----------------------------------------------------------------

# The payload classes and versions of nova's versioned notifications.
INSTANCE_ACTION = ('InstanceActionPayload', '1.9')
INSTANCE_ACTION_VOLUME = ('InstanceActionVolumePayload', '1.7')
INSTANCE_CREATE = ('InstanceCreatePayload', '1.13')
FLAVOR = ('FlavorPayload', '1.4')
BLOCK_DEVICE = ('BlockDevicePayload', '1.0')
EXCEPTION = ('ExceptionPayload', '1.1')

# Legacy event types of the versioned ones that have one.
LEGACY_EVENT_TYPES = {
    'instance.create.end': 'compute.instance.create.end',
    'instance.create.error': 'compute.instance.create.error',
    'instance.delete.end': 'compute.instance.delete.end',
    'instance.volume_attach.end': 'compute.instance.volume.attach',
    'instance.volume_detach.end': 'compute.instance.volume.detach',
}

# nova's names of the power states.
POWER_STATES = {0: 'pending', 1: 'running', 3: 'paused', 4: 'shutdown',
                6: 'crashed', 7: 'suspended'}


def _versioned(name_and_version, data):
    name, version = name_and_version
    return {'nova_object.name': name, 'nova_object.namespace': 'nova',
            'nova_object.version': version, 'nova_object.data': data}


def _isotime(when):
    """A date as a versioned payload writes it (UTC, seconds, ``Z``)."""
    if not when:
        return None
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def _strtime(when):
    """A date as a legacy payload writes it ('' for none)."""
    if not when:
        return ''
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f')


def exception_payload(error):
    """nova's ExceptionPayload of ``error``: where it was raised (the
    innermost frame of its traceback), its class, message and traceback."""
    module_name = function_name = None
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        module_name = tb.tb_frame.f_globals.get('__name__')
        function_name = tb.tb_frame.f_code.co_name
    message = error.format_message() \
        if hasattr(error, 'format_message') else str(error)
    return _versioned(EXCEPTION, {
        'module_name': module_name, 'function_name': function_name,
        'exception': type(error).__name__, 'exception_message': message,
        'traceback': ''.join(traceback.format_exception(
            type(error), error, error.__traceback__))})


def _flavor_payload(flavor):
    return _versioned(FLAVOR, {
        'flavorid': flavor.get('flavorid'), 'name': flavor.get('name'),
        'memory_mb': flavor.get('memory_mb'), 'vcpus': flavor.get('vcpus'),
        'root_gb': flavor.get('root_gb'),
        'ephemeral_gb': flavor.get('ephemeral_gb'),
        'swap': flavor.get('swap', 0),
        'disabled': flavor.get('disabled', False),
        'rxtx_factor': flavor.get('rxtx_factor', 1.0),
        'is_public': flavor.get('is_public', True),
        'vcpu_weight': flavor.get('vcpu_weight', 0),
        'extra_specs': dict(flavor.get('extra_specs') or {}),
        'projects': None, 'description': flavor.get('description')})


def _block_devices(bdms):
    return [_versioned(BLOCK_DEVICE, {
        'boot_index': b.get('boot_index'),
        'delete_on_termination': bool(b.get('delete_on_termination')),
        'device_name': b.get('device_name'), 'tag': b.get('tag'),
        'volume_id': b['volume_id']}) for b in bdms if b.get('volume_id')]


def instance_payload(context, instance, values, fault=None, bdms=None):
    """The data of nova's InstanceActionPayload for ``instance`` (a
    record) with ``values`` over its attributes."""
    def get(name):
        return values[name] if name in values else getattr(
            instance, name, None)
    return {
        'uuid': instance.uuid, 'user_id': get('user_id'),
        'tenant_id': get('project_id'),
        'reservation_id': get('reservation_id'),
        'display_name': get('display_name'),
        'display_description': get('display_description'),
        'host_name': get('hostname'), 'host': get('host'),
        'node': get('node'), 'os_type': None, 'architecture': None,
        'availability_zone': get('availability_zone'),
        'image_uuid': get('image_ref'), 'key_name': get('key_name'),
        'kernel_id': get('kernel_id') or '',
        'ramdisk_id': get('ramdisk_id') or '',
        'created_at': _isotime(get('created_at')),
        'launched_at': _isotime(get('launched_at')),
        'terminated_at': _isotime(get('terminated_at')),
        'deleted_at': _isotime(get('deleted_at')),
        'updated_at': _isotime(get('updated_at')),
        'state': get('vm_state'),
        'power_state': POWER_STATES.get(get('power_state')),
        'task_state': get('task_state'), 'progress': get('progress'),
        'metadata': dict(get('metadata') or {}),
        'locked': bool(get('locked')), 'locked_reason': get('locked_reason'),
        'auto_disk_config': 'MANUAL', 'ip_addresses': [],
        'flavor': _flavor_payload(get('flavor') or {}),
        'block_devices': _block_devices(bdms) if bdms is not None else None,
        'shares': None,
        'request_id': getattr(context, 'request_id', None),
        'action_initiator_user': getattr(context, 'user_id', None),
        'action_initiator_project': getattr(context, 'project_id', None),
        'fault': fault,
    }


def legacy_payload(instance, values):
    """The legacy payload of ``instance`` (nova's field names)."""
    def get(name):
        return values[name] if name in values else getattr(
            instance, name, None)
    flavor = get('flavor') or {}
    root_gb = flavor.get('root_gb') or 0
    ephemeral_gb = flavor.get('ephemeral_gb') or 0
    created_at = get('created_at')
    return {
        'tenant_id': get('project_id'), 'user_id': get('user_id'),
        'instance_id': instance.uuid, 'display_name': get('display_name'),
        'reservation_id': get('reservation_id'),
        'hostname': get('hostname'),
        'instance_type': flavor.get('name', ''),
        'instance_type_id': None,
        'instance_flavor_id': flavor.get('flavorid', ''),
        'architecture': None, 'memory_mb': flavor.get('memory_mb'),
        'disk_gb': root_gb + ephemeral_gb, 'vcpus': flavor.get('vcpus'),
        'root_gb': root_gb, 'ephemeral_gb': ephemeral_gb,
        'host': get('host'), 'node': get('node'),
        'availability_zone': get('availability_zone'), 'cell_name': '',
        # str() of an aware UTC datetime, as nova's legacy payload has it.
        'created_at': str(created_at.replace(
            tzinfo=datetime.timezone.utc)) if created_at else '',
        'terminated_at': _strtime(get('terminated_at')),
        'deleted_at': _strtime(get('deleted_at')),
        'launched_at': _strtime(get('launched_at')),
        'image_ref_url': None, 'os_type': None,
        'kernel_id': get('kernel_id') or '',
        'ramdisk_id': get('ramdisk_id') or '',
        'state': get('vm_state'),
        'state_description': get('task_state') or '',
        'progress': int(get('progress')) if get('progress') else '',
        'access_ip_v4': get('access_ip_v4'),
        'access_ip_v6': get('access_ip_v6'),
        'fixed_ips': [], 'image_meta': {},
        'metadata': dict(get('metadata') or {}),
    }


class Notifier:
    """Sends a compute host's notifications through oslo.messaging."""

    def __init__(self, conf, host):
        from oslo_messaging.notify import notifier as msg_notifier
        conf.register_opts(msg_notifier._notifier_opts,
                           group='oslo_messaging_notifications')
        self.versioned = self.legacy = None
        if not conf.oslo_messaging_notifications.driver:
            return
        transport = rpc.get_notification_transport(conf)
        publisher_id = 'nova-compute:%s' % host
        serializer = rpc.RequestContextSerializer()
        form = conf.notifications.notification_format
        if form in ('versioned', 'both'):
            self.versioned = messaging.Notifier(
                transport, publisher_id, serializer=serializer,
                topics=conf.notifications.versioned_notifications_topics)
        if form in ('unversioned', 'both'):
            self.legacy = messaging.Notifier(
                transport, publisher_id, serializer=serializer)

    @property
    def enabled(self):
        return self.versioned is not None or self.legacy is not None

    def send(self, context, event_type, instance, values=None, error=None,
             volume_id=None, bdms=None):
        """Send ``event_type`` about ``instance`` (a record; ``values``
        over its attributes where it is older than the event)."""
        values = values or {}
        try:
            if self.versioned is not None:
                self._send_versioned(context, event_type, instance, values,
                                     error, volume_id, bdms)
            legacy_type = LEGACY_EVENT_TYPES.get(event_type)
            if self.legacy is not None and legacy_type:
                payload = legacy_payload(instance, values)
                if volume_id is not None:
                    payload['volume_id'] = volume_id
                if error is not None:
                    payload['message'] = exception_payload(error)[
                        'nova_object.data']['exception_message']
                    payload['code'] = getattr(error, 'code', 500)
                    self.legacy.error(context, legacy_type, payload)
                else:
                    self.legacy.info(context, legacy_type, payload)
        except Exception:
            # A notification is never worth failing the operation for.
            LOG.exception('Could not send the %s notification of %s',
                          event_type, instance.uuid)

    def _send_versioned(self, context, event_type, instance, values, error,
                        volume_id, bdms):
        fault = exception_payload(error) if error is not None else None
        data = instance_payload(context, instance, values, fault, bdms)
        kind = INSTANCE_ACTION
        if volume_id is not None:
            data['volume_id'] = volume_id
            kind = INSTANCE_ACTION_VOLUME
        elif event_type.startswith('instance.create.'):
            kind = INSTANCE_CREATE
            data.update({'keypairs': [], 'trusted_image_certificates': None,
                         'tags': list(_tags(instance, values)),
                         'instance_name': 'instance-%08x' % (
                             getattr(instance, 'id', None) or 0)})
        payload = _versioned(kind, data)
        if error is not None:
            self.versioned.error(context, event_type, payload)
        else:
            self.versioned.info(context, event_type, payload)


def _tags(instance, values):
    return values['tags'] if 'tags' in values else \
        getattr(instance, 'tags', None) or []


def deleted_values():
    """What a deleted server's payload says, as nova's does."""
    now = timeutils.utcnow()
    return {'vm_state': 'deleted', 'task_state': None, 'power_state': 0,
            'deleted_at': now, 'terminated_at': now}
