import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import env_common  # noqa: E402

from nova_lite.image_service import models  # noqa: E402

env_common.run(models.Base.metadata,
               version_table='image_alembic_version')
