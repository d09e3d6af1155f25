import copy

from oslo_config import cfg

wsgi_group = cfg.OptGroup('wsgi', title='WSGI server options')

wsgi_opts = [
    cfg.IntOpt('default_pool_size', default=16, min=1,
               help='Threads of the built-in WSGI server (cheroot).'),
    cfg.IntOpt('max_header_line', default=16384, min=1,
               help='Maximum line size of message headers to be accepted.'),
    cfg.IntOpt('client_socket_timeout', default=900, min=0,
               help='Timeout for client connections socket operations.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(wsgi_group))
    conf.register_opts(wsgi_opts, group=wsgi_group)


def list_opts():
    return {wsgi_group: wsgi_opts}
