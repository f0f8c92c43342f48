"""An admin change form sent back as the administrator's browser would send it: every field and
inline row as the page shows it, so that a test changes only the one value it names."""


def change_form_data(response) -> dict:
    """The POST data of the change form a GET of an admin change page answered (its context):
    the model's fields, each inline's management form and rows, unchecked boxes left out."""
    forms, data = [response.context["adminform"].form], {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def inline_field(response, model, pk, name) -> str:
    """The POST name of field ``name`` of the inline row of ``model`` whose pk is ``pk``."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            for form in inline.formset.forms:
                if form.instance.pk == pk:
                    return form.add_prefix(name)
    raise LookupError(f"no inline row of {model.__name__} {pk} on this page")
