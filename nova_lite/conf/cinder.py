import copy

from oslo_config import cfg

cinder_group = cfg.OptGroup('cinder', title='Block storage (Cinder) options')

cinder_opts = [
    cfg.StrOpt('catalog_info', default='volumev3::publicURL',
               help='Info to match when looking for cinder in the service '
                    'catalog, as <service_type>:<service_name>:<interface>.'),
    cfg.StrOpt('endpoint_template',
               help='Override the catalog lookup with a template, for example '
                    'http://127.0.0.1:8776/v3/%(project_id)s'),
    cfg.StrOpt('os_region_name', help='Region name of this node.'),
    cfg.IntOpt('http_retries', default=3, min=0,
               help='Number of cinderclient retries on failed HTTP calls.'),
    cfg.BoolOpt('cross_az_attach', default=True,
                help='Allow attaching volumes from another availability '
                     'zone than the server.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(cinder_group))
    conf.register_opts(cinder_opts, group=cinder_group)


def list_opts():
    return {cinder_group: cinder_opts}
