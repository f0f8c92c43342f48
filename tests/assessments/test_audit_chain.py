"""The audit log chained by hash (assessments/audit_chain.py): each row holds the previous row's
hash and its own; ``manage.py verify_audit`` fails, naming the first bad row in Thai, when a row
was changed or deleted with raw SQL; the rows written before the chain are chained by the
migration's function; bulk writers (the register import, the admin) chain too."""

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from assessments import audit_chain
from assessments.models import AuditAction, AuditEvent
from assessments.services import audit
from tests.factories import ADMIN, EDITOR, user


def three_rows():
    return [audit(actor=user(EDITOR), action=AuditAction.SCORE_EDIT, summary=f"แถวที่ {n}", detail={"n": n, 10: "x"})
            for n in range(3)]


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_it_chains_each_row_to_the_one_before(db):
    first, second, third = three_rows()
    assert second.prev_hash == first.row_hash and third.prev_hash == second.row_hash
    assert len(third.row_hash) == 64 and third.row_hash == audit_chain.row_hash(AuditEvent.objects.get(pk=third.pk))
    assert AuditEvent.objects.order_by("pk").first().prev_hash == ""
    assert "บันทึกการใช้งานครบถ้วน" in verify()


def test_verify_audit_fails_naming_a_row_changed_with_raw_sql(db):
    _first, second, _third = three_rows()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE id = %s", ["แก้ไขภายหลัง", second.pk])
    with pytest.raises(CommandError) as refused:
        verify()
    assert refused.value.returncode == 1
    assert f"บันทึกการใช้งานแถวหมายเลข {second.pk} ถูกแก้ไขหลังบันทึก" in str(refused.value)


def test_verify_audit_fails_when_a_row_is_deleted_with_raw_sql(db):
    _first, second, third = three_rows()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as refused:
        verify()
    assert f"แถวก่อนหน้าแถวหมายเลข {third.pk} ถูกลบหรือถูกแก้ไข" in str(refused.value)


def test_a_changed_time_or_actor_is_found_too(db):
    _first, second, _third = three_rows()
    AuditEvent.objects.filter(pk=second.pk).update(actor=user(ADMIN))
    assert audit_chain.verify()[1].pk == second.pk


def test_the_migration_chains_the_rows_written_before_the_chain(db):
    three_rows()
    AuditEvent.objects.update(prev_hash="", row_hash="")
    assert audit_chain.verify()[1] is not None
    audit_chain.chain_existing(AuditEvent)
    assert audit_chain.verify() == (AuditEvent.objects.count(), None)


def test_bulk_writers_chain_their_rows(db):
    from django.contrib.admin.models import CHANGE, LogEntry

    from assessments.signals import record_admin_entries  # the admin's rows, several at once

    entries = [LogEntry(user_id=user(ADMIN).pk, action_flag=CHANGE, object_repr=f"รายการ {n}") for n in range(3)]
    record_admin_entries(entries)
    assert audit_chain.verify() == (AuditEvent.objects.count(), None)


def test_export_audit_writes_json_lines_after_an_id(db):
    first, second, third = three_rows()
    out = StringIO()
    call_command("export_audit", after=first.pk, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == [second.pk, third.pk]
    assert lines[0]["row_hash"] == second.row_hash and lines[1]["prev_hash"] == second.row_hash
    assert lines[0]["username"] == EDITOR and lines[0]["summary"] == "แถวที่ 1"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite serialises writers itself")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_on_postgresql_never_chain_to_the_same_row():
    start = threading.Barrier(4)

    def writer(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit(actor=None, action=AuditAction.SCORE_EDIT, summary=f"ผู้เขียน {n} แถว {i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    hashes = list(AuditEvent.objects.order_by("pk").values_list("prev_hash", flat=True))
    assert len(hashes) >= 40 and len(set(hashes)) == len(hashes)
    assert audit_chain.verify() == (AuditEvent.objects.count(), None)
