"""Run the built-in image service: database, image files and HTTP server,
and the seed images of ``[image_catalog] images``."""

import logging
import os

from oslo_utils import timeutils

from nova_lite.web import server as api_server
from nova_lite.image import catalog
from nova_lite.image_service import app as image_app
from nova_lite.image_service import filestore
from nova_lite.image_service import store as image_store

LOG = logging.getLogger(__name__)


def seed(conf, store):
    """Create the catalog's images that the database lacks (public, active;
    their data copied from the entry's file when it names one). Running it
    again changes nothing."""
    created = []
    for entry in catalog.all_images(conf):
        try:
            store.get(entry.id)
            continue
        except image_store.NotFound:
            pass
        values = {'name': entry.name, 'status': 'queued',
                  'visibility': 'public', 'protected': False,
                  'os_hidden': False, 'min_disk': 0, 'min_ram': 0,
                  'owner': None, 'disk_format': 'qcow2',
                  'container_format': 'bare'}
        try:
            store.create(entry.id, values)
        except image_store.Conflict:
            continue
        extra = {}
        if entry.path and os.path.isfile(entry.path):
            with open(entry.path, 'rb') as data:
                size, md5, sha = store.files.write(
                    entry.id, data, conf.image_service.image_size_cap)
            extra = dict(size=size, checksum=md5, os_hash_value=sha,
                         os_hash_algo=filestore.HASH_ALGO)
        store.set_status(entry.id, ('queued',), 'active',
                         updated_at=timeutils.utcnow(), **extra)
        created.append(entry.id)
    if created:
        LOG.info('Seeded %d image(s) from [image_catalog] images',
                 len(created))
    return created


class ImageService:
    def __init__(self, conf, port=None):
        self.conf = conf
        opts = conf.image_service
        self.port = opts.listen_port if port is None else port
        self.store = None
        self.server = None
        self.app = None

    @property
    def bound_port(self):
        return self.server.bound_port

    @property
    def endpoint(self):
        host = self.conf.image_service.listen
        if host in ('', '0.0.0.0', '::'):
            host = '127.0.0.1'
        elif ':' in host:
            host = '[%s]' % host
        return 'http://%s:%s' % (host, self.bound_port)

    def build(self):
        """The database and the application, without an HTTP server."""
        self.store = image_store.Store(self.conf)
        self.store.sync()
        seed(self.conf, self.store)
        self.app = image_app.build_app(self.conf, self.store)
        return self.app

    def start(self, serve=True):
        conf = self.conf
        api_server.check_listen_auth(conf, conf.image_service.listen)
        try:
            self.build()
            if serve:
                self.server = api_server.APIServer(
                    conf, self.app, host=conf.image_service.listen,
                    port=self.port, threads=conf.image_service.workers,
                    name='nova-lite-image', description='Image API',
                    listen_opts=('image_service.listen',
                                 'image_service.listen_port'))
                self.server.start()
        except BaseException:
            try:
                self.stop()
            except Exception:
                LOG.debug('Stopping the image service after a failed start '
                          'failed too', exc_info=True)
            raise
        return self

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.store is not None:
            self.store.stop()
            self.store = None
