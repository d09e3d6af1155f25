import copy

from oslo_config import cfg

api_group = cfg.OptGroup('api', title='API options',
                         help='Options of the compute REST API.')

api_opts = [
    cfg.StrOpt('auth_strategy', default='noauth2',
               choices=[('keystone', 'Use keystonemiddleware auth_token and '
                                     'the identity headers it sets.'),
                        ('noauth2', 'Trust the X-Auth-Token header as '
                                    '"user:project" (user "admin" is an '
                                    'administrator). Testing and the '
                                    'embedded default only.')],
               help='Authentication strategy of the compute API.'),
    cfg.IntOpt('max_limit', default=1000, min=0,
               help='Maximum number of items a collection resource returns in '
                    'one response.'),
    cfg.StrOpt('compute_link_prefix',
               help='Base URL used instead of the request host URL in links '
                    'returned by the API (for example behind a proxy).'),
    cfg.BoolOpt('enable_instance_password', default=True,
                help='Return an ``adminPass`` in server create responses.'),
    cfg.BoolOpt('allow_noauth_on_any_address', default=False,
                help='Allow ``auth_strategy = noauth2`` while the compute '
                     'API or the built-in block storage listens on an '
                     'address other than loopback (without it they refuse '
                     'to start, and the WSGI application for external '
                     'servers answers only loopback clients). Anybody who '
                     'can reach the API is then an administrator.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(api_group))
    conf.register_opts(api_opts, group=api_group)


def list_opts():
    return {api_group: api_opts}
