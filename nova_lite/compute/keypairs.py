"""Key pair operations as the API performs them (nova's KeypairAPI).

:func:`get_key_pair` ``(context, user_id, name)`` is the lookup server
create and rebuild use: it returns the record (``name``, ``public_key``,
``type``, ...) or raises ``exception.KeypairNotFound``, which those
answer with 400 "Invalid key_name provided.".
"""

from nova_lite import crypto
from nova_lite import exception
from nova_lite.objects import keypair as keypair_obj
from nova_lite import quota


def get_key_pair(context, user_id, name):
    return keypair_obj.get_by_name(context, user_id, name)


def get_key_pairs(context, user_id, limit=None, marker=None):
    return keypair_obj.get_by_user(context, user_id, limit=limit,
                                   marker=marker)


def _recheck(context, user_id, keypair):
    """nova's recheck after creating: a key pair over the limit (parallel
    creates) is deleted again."""
    if not quota._conf(context).quota.recheck_quota:
        return
    try:
        quota.check_key_pairs(context, user_id, delta=0)
    except exception.KeypairLimitExceeded:
        keypair_obj.destroy_by_id(context, keypair.id)
        raise


def import_key_pair(context, user_id, name, public_key,
                    key_type=keypair_obj.SSH):
    quota.check_key_pairs(context, user_id)
    fingerprint = crypto.fingerprint(public_key, key_type)
    keypair = keypair_obj.create(context, user_id, name, public_key,
                                 fingerprint, key_type)
    _recheck(context, user_id, keypair)
    return keypair


def create_key_pair(context, user_id, name, key_type=keypair_obj.SSH):
    """(record, private key) of a generated key pair."""
    quota.check_key_pairs(context, user_id)
    private_key, public_key, fingerprint = crypto.generate(key_type,
                                                           user_id)
    keypair = keypair_obj.create(context, user_id, name, public_key,
                                 fingerprint, key_type)
    _recheck(context, user_id, keypair)
    return keypair, private_key


def delete_key_pair(context, user_id, name):
    keypair_obj.destroy(context, user_id, name)
