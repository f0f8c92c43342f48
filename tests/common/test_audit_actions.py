"""The audit log's vocabulary (common/audit_actions.py): each app registers its own actions; a
new action needs no migration, a name nobody registered is refused."""

import json
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import models

from assessments.admin import ActionFilter
from assessments.models import AuditEvent
from assessments.services import audit
from common import audit_actions

APPS = ["assessments", "people", "signin", "measures", "notifications", "reports", "ops"]


class ProbeAction(models.TextChoices):
    """What a new app (or a new feature) would declare in its audit_actions.py."""

    PROBE_RUN = "probe.run", "ทดลองบันทึกการใช้งาน"


@pytest.fixture
def probe():
    audit_actions.register(ProbeAction)
    yield ProbeAction
    audit_actions.registry.unregister(ProbeAction)


def test_it_records_a_newly_registered_action_without_a_migration(db, probe):
    event = audit(actor=None, action=probe.PROBE_RUN, summary="ทดลอง")

    assert AuditEvent.objects.get(pk=event.pk).action == "probe.run"
    assert event.action_label == "ทดลองบันทึกการใช้งาน"
    assert ("probe.run", "ทดลองบันทึกการใช้งาน") in ActionFilter(None, {}, AuditEvent, None).lookups(None, None)
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 if a migration were needed


def test_it_refuses_a_name_nobody_registered_and_writes_nothing(db, probe):
    audit_actions.registry.unregister(ProbeAction)
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError, match="probe.run"):
        audit(actor=None, action="probe.run", summary="ทดลอง")
    assert AuditEvent.objects.count() == before


def test_a_row_whose_name_is_no_longer_registered_shows_the_name_as_stored(db):
    assert AuditEvent(action="retired.action").action_label == "retired.action"


def test_it_refuses_a_name_another_app_registered():
    class Clash(models.TextChoices):
        PLAN = "plan.create", "ซ้ำ"

    with pytest.raises(ImproperlyConfigured, match="MeasureAction"):
        audit_actions.register(Clash)
    assert type(audit_actions.registry("plan.create")).__name__ == "MeasureAction"


def test_each_app_registers_the_actions_it_records_from_its_own_module():
    owners = {type(audit_actions.registry(name)).__module__ for name, _label in audit_actions.registry.choices}

    assert owners <= {f"{config.name}.audit_actions" for config in apps.get_app_configs()}
    assert {f"{app}.audit_actions" for app in APPS} <= owners


def test_old_callers_find_an_action_by_its_constant_name():
    from assessments.models import AuditAction
    from signin.audit_actions import OtpAction

    assert AuditAction.OTP_ENABLE is OtpAction.OTP_ENABLE
    assert AuditAction("otp.enable") is OtpAction.OTP_ENABLE
    with pytest.raises(AttributeError):
        AuditAction.NO_SUCH_ACTION  # noqa: B018


def test_admin_actions_are_audited_however_the_admin_was_loaded():
    """assessments/apps.py connects the LogEntry receiver itself: with an admin that imports no
    admin.py (SimpleAdminConfig), ops/admin.py is never imported and the receiver is there."""
    script = (
        "import json, sys, django\n"
        "import ita_portal.settings_test as s\n"
        "s.INSTALLED_APPS = ['django.contrib.admin.apps.SimpleAdminConfig' if a == 'django.contrib.admin'"
        " else a for a in s.INSTALLED_APPS]\n"
        "django.setup()\n"
        "from django.contrib.admin.models import LogEntry\n"
        "from django.db.models.signals import post_save\n"
        "print(json.dumps({'ops_admin': 'ops.admin' in sys.modules,"
        " 'listening': post_save.has_listeners(LogEntry)}))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings_test"}
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120, check=True)

    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"ops_admin": False, "listening": True}
