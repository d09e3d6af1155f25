"""State and lock checks of server actions (nova's API rules)."""

from nova_lite import exception


def check_state(instance, method, vm_states=None, task_states=(None,),
                must_have_launched=True):
    """Raise InstanceInvalidState as nova's API state checks do."""
    if vm_states is not None and instance.vm_state not in vm_states:
        raise exception.InstanceInvalidState(
            attr='vm_state', instance_uuid=instance.uuid,
            state=instance.vm_state, method=method)
    if task_states is not None and instance.task_state not in task_states:
        raise exception.InstanceInvalidState(
            attr='task_state', instance_uuid=instance.uuid,
            state=instance.task_state, method=method)
    if must_have_launched and not instance.launched_at:
        raise exception.InstanceInvalidState(
            attr='launched_at', instance_uuid=instance.uuid,
            state=instance.launched_at, method=method)


def check_lock(context, instance):
    if instance.locked and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
