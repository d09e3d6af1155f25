"""Transactions run again on a lost connection or a deadlock, once per
outermost call (nova's wrap_db_retry)."""

import contextlib
import types

from oslo_db import exception as db_exc
import pytest

from nova_lite.db import api as db_api


class _Transactions:
    def __init__(self):
        self.opened = 0

    @contextlib.contextmanager
    def using(self, context):
        self.opened += 1
        yield


@pytest.fixture
def mgr(monkeypatch):
    transactions = _Transactions()
    fake = types.SimpleNamespace(reader=transactions, writer=transactions)
    monkeypatch.setattr(db_api, 'get_context_manager', lambda ctx: fake)
    return transactions


@pytest.mark.parametrize('error', [db_exc.DBConnectionError,
                                   db_exc.DBDeadlock])
def test_outermost_transaction_is_retried(mgr, error):
    calls = []

    @db_api.cell_writer
    def write(context):
        calls.append(1)
        if len(calls) < 3:
            raise error()
        return 'done'

    assert write(object()) == 'done'
    assert len(calls) == 3 and mgr.opened == 3


def test_nested_transaction_is_not_retried_alone(mgr):
    inner_calls = []

    @db_api.cell_reader
    def inner(context):
        inner_calls.append(1)
        if len(inner_calls) == 1:
            raise db_exc.DBDeadlock()

    @db_api.cell_writer
    def outer(context):
        inner(context)
        return len(inner_calls)

    # The whole outer transaction runs again, not the inner call alone.
    assert outer(object()) == 2
    assert mgr.opened == 4


def test_other_errors_are_not_retried(mgr):
    calls = []

    @db_api.cell_writer
    def write(context):
        calls.append(1)
        raise db_exc.DBDuplicateEntry()

    with pytest.raises(db_exc.DBDuplicateEntry):
        write(object())
    assert len(calls) == 1
