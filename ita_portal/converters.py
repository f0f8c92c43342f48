from django.urls import register_converter


class FiscalYearConverter:
    """A fiscal year in พ.ศ.: four digits starting with 25 or 26."""

    regex = "2[56][0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


def register():
    register_converter(FiscalYearConverter, "fy")
