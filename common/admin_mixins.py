class ReadOnlyAdminMixin:
    """For records only services write (audit, workflow, published files): read, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
