from django.urls import register_converter

from assessments import fiscal_years


class FiscalYearConverter:
    """A fiscal year in พ.ศ. that the portal has pages for (assessments/fiscal_years.py):
    any other year does not match, so the page is a 404."""

    regex = "2[56][0-9]{2}"

    def to_python(self, value):
        year = int(value)
        if year not in fiscal_years.plan_years():
            raise ValueError(f"no framework for fiscal year {year} or the year before")
        return year

    def to_url(self, value):
        return str(value)


def register():
    register_converter(FiscalYearConverter, "fy")
