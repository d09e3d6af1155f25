# Sphinx configuration of the nova_lite release notes.
extensions = ['reno.sphinxext']
source_suffix = '.rst'
master_doc = 'index'
project = 'nova_lite Release Notes'
copyright = 'nova_lite developers'
version = ''
release = ''
exclude_patterns = []
html_theme = 'alabaster'
html_static_path = []
