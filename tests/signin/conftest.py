"""The sign-in tests' shared fixtures."""

import pytest


@pytest.fixture
def required(settings):
    """A second factor is compulsory (OTP_REQUIRED), as in production."""
    settings.OTP_REQUIRED = True
    return settings
