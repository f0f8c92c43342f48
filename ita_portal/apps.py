from django.apps import AppConfig

# Django reads at most 1 KiB of headers for each part of a multipart upload and answers 400
# beyond it ("Request max total header size exceeded"); it has no setting for this. A Thai
# character takes 3 bytes in the part's filename (9 when a client percent-encodes it) and some
# browsers send the whole path, so a long Thai file name alone passes 1 KiB.
UPLOAD_PART_HEADER_BYTES = 4096


class ItaPortalConfig(AppConfig):
    name = "ita_portal"
    verbose_name = "ITA Portal"

    def ready(self):
        from django.core import checks
        from django.http import multipartparser

        from .checks import portal_url_check

        checks.register(portal_url_check, "mail")

        multipartparser.MAX_TOTAL_HEADER_SIZE = max(multipartparser.MAX_TOTAL_HEADER_SIZE, UPLOAD_PART_HEADER_BYTES)
