"""The 77 provinces, from pythainlp's corpus (it ships with the package; no network)."""


def load_provinces(province_model) -> int:
    """Create or update every province; takes the model so migrations can pass theirs."""
    from pythainlp.corpus import provinces

    entries = provinces(details=True)
    for entry in entries:
        province_model.objects.update_or_create(
            code=entry["abbr_en"], defaults={"name": entry["name_th"], "name_en": entry["name_en"]}
        )
    return len(entries)
