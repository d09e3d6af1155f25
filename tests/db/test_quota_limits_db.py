"""The limits of a quota check, read in one statement, on SQLite, MariaDB
and PostgreSQL: the project's, the user's (of that project only) and the
default class's, kept apart."""

from nova_lite.objects import quotas


def test_limits_of_project_user_and_default_class(synced):
    _conf, ctx = synced
    quotas.set_limit(ctx, 'p1', 'instances', 7)
    quotas.set_limit(ctx, 'p1', 'cores', 20)
    quotas.set_limit(ctx, 'p1', 'ram', 512, user_id='u1')
    quotas.set_limit(ctx, 'p2', 'ram', 1024, user_id='u1')
    quotas.set_limit(ctx, 'p1', 'instances', 3, user_id='u2')
    quotas.set_class_limit(ctx, 'default', 'key_pairs', 5)
    quotas.set_class_limit(ctx, 'other', 'key_pairs', 9)

    project, user, default = quotas.get_limits(ctx, 'p1', 'u1')
    assert project == {'instances': 7, 'cores': 20}
    assert user == {'ram': 512}
    assert default == {'key_pairs': 5}

    # No user: no user limits, the others as before.
    assert quotas.get_limits(ctx, 'p1', None) == (
        {'instances': 7, 'cores': 20}, {}, {'key_pairs': 5})
    # A project with no limits of its own.
    assert quotas.get_limits(ctx, 'p3', 'u1') == ({}, {}, {'key_pairs': 5})


def test_limits_updated_are_read_again(synced):
    _conf, ctx = synced
    quotas.set_limit(ctx, 'p1', 'instances', 7)
    assert quotas.get_limits(ctx, 'p1', 'u1')[0] == {'instances': 7}
    quotas.set_limit(ctx, 'p1', 'instances', -1)
    assert quotas.get_limits(ctx, 'p1', 'u1')[0] == {'instances': -1}
