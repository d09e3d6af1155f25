import copy

from oslo_config import cfg

notifications_group = cfg.OptGroup(
    'notifications', title='Notifications options',
    help='Notifications of finished server operations, sent through '
         'oslo.messaging. Nothing is sent until '
         '``[oslo_messaging_notifications] driver`` names a driver '
         '(``messagingv2`` for the message bus).')

notifications_opts = [
    cfg.StrOpt('notification_format', default='unversioned',
               choices=[
                   ('both', 'Both the legacy unversioned and the versioned '
                    'notifications are sent'),
                   ('versioned', 'Only the versioned notifications are '
                    'sent'),
                   ('unversioned', 'Only the legacy unversioned '
                    'notifications are sent'),
               ],
               help='Which notification format is sent. Versioned '
                    'notifications (``instance.volume_attach.end``, ...) '
                    'carry versioned payloads and go to '
                    '``versioned_notifications_topics``; the legacy ones '
                    '(``compute.instance.volume.attach``, ...) go to '
                    '``[oslo_messaging_notifications] topics``.'),
    cfg.ListOpt('versioned_notifications_topics',
                default=['versioned_notifications'],
                help='Topics the versioned notifications are sent to; '
                     'each topic gets every notification.'),
    cfg.BoolOpt('bdms_in_notifications', default=False,
                help='Include the server\'s volume mappings '
                     '(``block_devices``) in versioned notification '
                     'payloads; they are read from the cell database for '
                     'each notification.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(notifications_group))
    conf.register_opts(notifications_opts, group=notifications_group)


def list_opts():
    return {notifications_group: notifications_opts}
