"""Policies of the built-in image service: Glance's rule names and
defaults (project scoped, role based), in an enforcer of their own whose
overrides come from ``[image_service] policy_file``.

Image rules are checked against the image: ``project_id`` is its owner,
``member_id`` the caller's project and ``visibility`` the image's.
"""

from oslo_config import cfg
from oslo_policy import policy as oslo_policy
import webob.exc

from nova_lite import policy as nl_policy

ADMIN = 'role:admin'
ADMIN_OR_PROJECT_MEMBER = 'role:admin or (role:member and ' \
    'project_id:%(project_id)s)'
ADMIN_OR_PROJECT_READER = 'role:admin or (role:reader and ' \
    'project_id:%(project_id)s)'
_VISIBLE = ('project_id:%(project_id)s or project_id:%(member_id)s or '
            '\'community\':%(visibility)s or \'public\':%(visibility)s or '
            '\'shared\':%(visibility)s')
ADMIN_OR_READER_GET_IMAGE = 'role:admin or (role:reader and (%s))' % _VISIBLE
ADMIN_OR_MEMBER_DOWNLOAD = 'role:admin or (role:member and (%s))' % _VISIBLE
ADMIN_OR_MEMBER_OR_OWNER_READER = 'role:admin or (role:reader and ' \
    '(project_id:%(project_id)s or project_id:%(member_id)s))'
ADMIN_OR_SHARED_MEMBER = 'role:admin or (role:member and ' \
    'project_id:%(member_id)s)'

IMG = '/v2/images'


def _rule(name, check, description, *ops):
    return oslo_policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in ops],
        scope_types=['project'])


RULES = [
    oslo_policy.RuleDefault('context_is_admin', 'role:admin',
                            'Decides what is an administrator.'),
    oslo_policy.RuleDefault('default', '', 'Rules without a default.'),
    _rule('add_image', ADMIN_OR_PROJECT_MEMBER, 'Create new image',
          ('POST', IMG)),
    _rule('delete_image', ADMIN_OR_PROJECT_MEMBER, 'Deletes the image',
          ('DELETE', IMG + '/{image_id}')),
    _rule('get_image', ADMIN_OR_READER_GET_IMAGE, 'Get specified image',
          ('GET', IMG + '/{image_id}')),
    _rule('get_images', ADMIN_OR_PROJECT_READER, 'Get all available images',
          ('GET', IMG)),
    _rule('modify_image', ADMIN_OR_PROJECT_MEMBER, 'Updates given image',
          ('PATCH', IMG + '/{image_id}'), ('PUT', IMG + '/{image_id}/tags/{tag}'),
          ('DELETE', IMG + '/{image_id}/tags/{tag}')),
    _rule('publicize_image', ADMIN, 'Publicize given image',
          ('PATCH', IMG + '/{image_id}')),
    _rule('communitize_image', ADMIN_OR_PROJECT_MEMBER,
          'Communitize given image', ('PATCH', IMG + '/{image_id}')),
    _rule('download_image', ADMIN_OR_MEMBER_DOWNLOAD, 'Downloads given image',
          ('GET', IMG + '/{image_id}/file')),
    _rule('upload_image', ADMIN_OR_PROJECT_MEMBER, 'Uploads data to image',
          ('PUT', IMG + '/{image_id}/file')),
    _rule('add_member', ADMIN_OR_PROJECT_MEMBER, 'Create image member',
          ('POST', IMG + '/{image_id}/members')),
    _rule('delete_member', ADMIN_OR_PROJECT_MEMBER, 'Delete image member',
          ('DELETE', IMG + '/{image_id}/members/{member_id}')),
    _rule('get_member', ADMIN_OR_MEMBER_OR_OWNER_READER,
          'Show image member details',
          ('GET', IMG + '/{image_id}/members/{member_id}')),
    _rule('get_members', ADMIN_OR_MEMBER_OR_OWNER_READER,
          'List image members', ('GET', IMG + '/{image_id}/members')),
    _rule('modify_member', ADMIN_OR_SHARED_MEMBER, 'Update image member',
          ('PUT', IMG + '/{image_id}/members/{member_id}')),
    _rule('deactivate', ADMIN_OR_PROJECT_MEMBER, 'Deactivate image',
          ('POST', IMG + '/{image_id}/actions/deactivate')),
    _rule('reactivate', ADMIN_OR_PROJECT_MEMBER, 'Reactivate image',
          ('POST', IMG + '/{image_id}/actions/reactivate')),
]


def list_rules():
    return list(RULES)


class Enforcer:
    def __init__(self, conf):
        self._enforcer = oslo_policy.Enforcer(
            conf, policy_file=conf.image_service.policy_file, use_conf=True)
        self._enforcer.suppress_default_change_warnings = True
        self._enforcer.register_defaults(list_rules())
        self._enforcer.load_rules()

    def allowed(self, ctx, action, target):
        try:
            return self._enforcer.authorize(
                action, target, nl_policy.credentials(ctx), do_raise=False)
        except (oslo_policy.InvalidScope, cfg.Error):
            return False

    def enforce(self, ctx, action, target):
        if not self.allowed(ctx, action, target):
            raise webob.exc.HTTPForbidden(
                explanation='You are not authorized to complete %s action.'
                % action)


def image_target(ctx, image):
    return {'project_id': image['owner'], 'owner': image['owner'],
            'member_id': ctx.project_id, 'visibility': image['visibility']}


def project_target(ctx):
    return {'project_id': ctx.project_id, 'member_id': ctx.project_id,
            'owner': ctx.project_id, 'visibility': None}
