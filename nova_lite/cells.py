"""Run a function against every cell database in parallel (scatter-gather).

A cell that raises or does not answer within the timeout is logged and
reported with a sentinel instead of its result, so callers can skip it.
"""

import concurrent.futures
import logging
import threading
import time

from nova_lite import context as nl_context
from nova_lite.objects import cell_mapping

LOG = logging.getLogger(__name__)

CELL_TIMEOUT = 60

did_not_respond_sentinel = object()
raised_exception_sentinel = object()

_EXECUTOR = None
_EXECUTOR_LOCK = threading.Lock()


def _executor():
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = concurrent.futures.ThreadPoolExecutor(
                max_workers=64, thread_name_prefix='cell-scatter')
        return _EXECUTOR


def _local(cell):
    return (cell.database_connection or '').startswith('sqlite')


def scatter_gather_cells(context, cells, timeout, fn, *args,
                         local_inline=False, **kwargs):
    """``{cell_uuid: fn(cell_context, *args)}`` for every cell in ``cells``.

    Cells that time out map to ``did_not_respond_sentinel`` and cells that
    raise map to ``raised_exception_sentinel``; both are logged.

    The cells are read in parallel threads, so that a cell database that
    does not answer over the network is given up after ``timeout``. With
    ``local_inline``, the cells whose database is a file of this host
    (SQLite), which answers or fails, are read in the calling thread
    instead, after the others are under way: a handoff to a thread and
    back costs more than such a read.
    """
    futures, inline = {}, []
    for cell in cells:
        cctxt = nl_context.target_cell(context, cell)
        if local_inline and _local(cell):
            inline.append((cell, cctxt))
            continue
        futures[_executor().submit(fn, cctxt, *args, **kwargs)] = cell
    results = {cell.uuid: did_not_respond_sentinel for cell in cells}
    for cell, cctxt in inline:
        try:
            results[cell.uuid] = fn(cctxt, *args, **kwargs)
        except Exception:
            LOG.warning('Cell %s raised an exception', cell.uuid,
                        exc_info=True)
            results[cell.uuid] = raised_exception_sentinel
    deadline = time.monotonic() + timeout
    for future, cell in futures.items():
        remaining = max(0.0, deadline - time.monotonic())
        try:
            results[cell.uuid] = future.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            LOG.warning('Timed out waiting for response from cell %s',
                        cell.uuid)
        except Exception:
            LOG.warning('Cell %s raised an exception', cell.uuid,
                        exc_info=True)
            results[cell.uuid] = raised_exception_sentinel
    return results


def scatter_gather_all_cells(context, fn, *args, timeout=None, **kwargs):
    cells = cell_mapping.get_all_cells(context)
    return scatter_gather_cells(context, cells, timeout or CELL_TIMEOUT,
                                fn, *args, **kwargs)


def is_failure(result):
    return result is did_not_respond_sentinel or \
        result is raised_exception_sentinel
