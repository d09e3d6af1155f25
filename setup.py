import os

import setuptools
from setuptools import dist

# The alembic trees live at the top of the repository, where alembic's
# tooling expects them, and ship inside the package as nova_lite/migrations.
MIGRATIONS = 'migrations'
MIGRATIONS_PACKAGE = 'nova_lite.migrations'


def _migration_packages():
    """nova_lite.migrations and one package per directory below it."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, MIGRATIONS)
    packages = []
    for dirpath, dirnames, _files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(('.', '__')))
        rel = os.path.relpath(dirpath, root)
        parts = [] if rel == os.curdir else rel.split(os.sep)
        packages.append('.'.join([MIGRATIONS_PACKAGE] + parts))
    return packages


class Distribution(dist.Distribution):
    """setuptools' Distribution with the alembic trees as package data.

    pbr lists only the packages found under their own names in the source
    tree, so the mapped ones are added once pbr has read setup.cfg.
    """

    def finalize_options(self):
        super().finalize_options()
        extra = _migration_packages()
        self.packages = sorted(set(self.packages or []) | set(extra))
        self.package_dir = dict(self.package_dir or {})
        self.package_dir[MIGRATIONS_PACKAGE] = MIGRATIONS
        self.package_data = dict(self.package_data or {})
        for package in extra:
            self.package_data[package] = ['*.ini', '*.mako', '*.rst']


setuptools.setup(setup_requires=['pbr>=2.0.0'], pbr=True,
                 distclass=Distribution)
