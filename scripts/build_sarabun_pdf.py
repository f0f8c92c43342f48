"""Builds Sarabun PDF (SarabunPDF-*.ttf) from the Sarabun TTFs beside this file, and the table
of the text each of its glyphs stands for (sarabun-pdf-text.json).

    .venv/bin/python scripts/build_sarabun_pdf.py          # writes the fonts and the table
    .venv/bin/python scripts/build_sarabun_pdf.py --check  # fails if they are not what it would write

Why: a PDF maps each glyph back to text with one string per glyph (its ToUnicode CMap). Thai
shaping (HarfBuzz) draws ำ (SARA AM) as two glyphs, NIKHAHIT + SARA AA, moved before any tone
mark, so ำ shares its SARA AA glyph with า and its NIKHAHIT (alone, or in Sarabun's ligature
with the tone mark) with ํ: no CMap can give both back, and "ดำเนินการ" is read "ดาเนินการ".
Sarabun PDF is Sarabun with separate copies of those glyphs, substituted only where the glyph
sequence is the one HarfBuzz makes of ำ (a last GSUB lookup of ccmp: SARA AA after a NIKHAHIT,
then that NIKHAHIT), so every glyph stands for one thing: the SARA AA copy for ำ, the
NIKHAHIT copy for nothing, the copy of a NIKHAHIT + tone mark ligature for the tone mark. The
copies have the outlines, advances, GDEF classes and GPOS positioning of the glyphs they copy,
and nothing else changes: the fonts print exactly what Sarabun prints.

The table lists, per font file (with its SHA-256), the text of every glyph that shaping can
produce (the cmap's glyphs, what GSUB substitutes for them, and the copies) and the glyphs
that are marks (drawn over or under the glyph before them, no advance). reports/render.py
writes the PDF's text layer from it.

Licence: the SIL Open Font License 1.1 (OFL.txt). Sarabun declares no Reserved Font Name (the
copyright line of OFL.txt names none), so a modified version may keep "Sarabun" in its name; it
is called "Sarabun PDF" so nobody takes it for the original. The copyright and licence
records of the name table are kept; the version and description records say what changed.
"""

import argparse
import copy
import hashlib
import io
import json
import sys
from pathlib import Path

from fontTools.otlLib import builder as otl
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables

HERE = Path(__file__).resolve().parent.parent / "static" / "fonts"  # the fonts it reads and writes
STYLES = ["Regular", "Bold", "Italic", "BoldItalic"]
FAMILY = "Sarabun PDF"
TABLE = HERE / "sarabun-pdf-text.json"
SARA_AA = "uni0E32"
# NIKHAHIT and Sarabun's ligatures of NIKHAHIT with a tone mark (and their narrow forms, after
# ป ฝ ฟ): glyph -> the text its copy stands for when it is part of ำ (the tone mark, if any).
NIKHAHIT = {"uni0E4D": "", "uni0E4D.narrow": ""}
NIKHAHIT.update({f"uni0E4D{tone}{form}": chr(int(tone, 16))
                 for tone in ("0E48", "0E49", "0E4A", "0E4B") for form in ("", ".narrow")})
COPY = ".am"  # suffix of the copies: the glyph as part of SARA AM
MAX_MARKS_BETWEEN = 3  # above-base marks HarfBuzz may move the NIKHAHIT over


def copy_glyph(font, source, target):
    font["glyf"].glyphs[target] = copy.deepcopy(font["glyf"][source])
    font["hmtx"].metrics[target] = font["hmtx"].metrics[source]
    gdef = font["GDEF"].table
    for class_def in (gdef.GlyphClassDef, gdef.MarkAttachClassDef):
        if class_def is not None and source in class_def.classDefs:
            class_def.classDefs[target] = class_def.classDefs[source]
    assert gdef.AttachList is None and gdef.LigCaretList is None, "GDEF lists: copy them too"
    for lookup in font["GPOS"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            _copy_in_gpos(subtable, source, target)


def _add_parallel(coverage, records, source, target):
    """Appends ``target`` (the last glyph id) to a coverage and its parallel record list."""
    if source in coverage.glyphs and target not in coverage.glyphs:
        records.append(copy.deepcopy(records[coverage.glyphs.index(source)]))
        coverage.glyphs.append(target)


def _copy_in_gpos(subtable, source, target):
    kind = type(subtable).__name__
    if kind == "ExtensionPos":
        return _copy_in_gpos(subtable.ExtSubTable, source, target)
    if kind == "PairPos" and subtable.Format == 1:
        _add_parallel(subtable.Coverage, subtable.PairSet, source, target)
        for pair_set in subtable.PairSet:
            for record in list(pair_set.PairValueRecord):
                if record.SecondGlyph == source:
                    clone = copy.deepcopy(record)
                    clone.SecondGlyph = target
                    pair_set.PairValueRecord.append(clone)
            pair_set.PairValueCount = len(pair_set.PairValueRecord)
        subtable.PairSetCount = len(subtable.PairSet)
    elif kind == "PairPos" and subtable.Format == 2:
        if source in subtable.Coverage.glyphs and target not in subtable.Coverage.glyphs:
            subtable.Coverage.glyphs.append(target)
        for class_def in (subtable.ClassDef1, subtable.ClassDef2):
            if source in class_def.classDefs:
                class_def.classDefs[target] = class_def.classDefs[source]
    elif kind == "MarkBasePos":
        _add_parallel(subtable.MarkCoverage, subtable.MarkArray.MarkRecord, source, target)
        _add_parallel(subtable.BaseCoverage, subtable.BaseArray.BaseRecord, source, target)
        subtable.MarkArray.MarkCount = len(subtable.MarkArray.MarkRecord)
        subtable.BaseArray.BaseCount = len(subtable.BaseArray.BaseRecord)
    elif kind == "MarkMarkPos":
        _add_parallel(subtable.Mark1Coverage, subtable.Mark1Array.MarkRecord, source, target)
        _add_parallel(subtable.Mark2Coverage, subtable.Mark2Array.Mark2Record, source, target)
        subtable.Mark1Array.MarkCount = len(subtable.Mark1Array.MarkRecord)
        subtable.Mark2Array.Mark2Count = len(subtable.Mark2Array.Mark2Record)
    else:
        raise NotImplementedError(f"GPOS {kind} format {getattr(subtable, 'Format', '?')}: copy the glyph in it")


def _lookup(subtables, lookup_type):
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable = lookup_type, 0, subtables
    lookup.SubTableCount = len(subtables)
    return lookup


def _chain(font, backtrack, input_, lookahead, lookup_index):
    """A ChainContextSubst format 3 subtable: glyph lists, nearest backtrack glyph first."""
    subtable = otTables.ChainContextSubst()
    subtable.Format = 3
    coverages = {name: [otl.buildCoverage(glyphs, font.getReverseGlyphMap()) for glyphs in lists] for name, lists in
                 (("BacktrackCoverage", backtrack), ("InputCoverage", input_), ("LookAheadCoverage", lookahead))}
    for name, value in coverages.items():
        setattr(subtable, name, value)
        setattr(subtable, name.replace("Coverage", "GlyphCount"), len(value))
    record = otTables.SubstLookupRecord()
    record.SequenceIndex, record.LookupListIndex = 0, lookup_index
    subtable.SubstLookupRecord, subtable.SubstCount = [record], 1
    return subtable


def add_sara_am_lookups(font):
    """Four lookups after Sarabun's own: two single substitutions (SARA AA -> its copy, each
    NIKHAHIT form -> its copy) used by two chained contexts in ccmp: SARA AA after a NIKHAHIT
    form (up to MAX_MARKS_BETWEEN other marks between), then a NIKHAHIT form before the copy."""
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    classes = font["GDEF"].table.GlyphClassDef.classDefs
    nikhahit = sorted(NIKHAHIT, key=font.getGlyphID)
    others = sorted((g for g, c in classes.items() if c == 3 and g not in NIKHAHIT and not g.endswith(COPY)),
                    key=font.getGlyphID)
    first = len(lookups)
    lookups.append(_lookup([otl.buildSingleSubstSubtable({SARA_AA: SARA_AA + COPY})], 1))
    lookups.append(_lookup([otl.buildSingleSubstSubtable({g: g + COPY for g in nikhahit})], 1))
    between = [[others] * n for n in range(MAX_MARKS_BETWEEN + 1)]
    after_nikhahit = [_chain(font, marks + [nikhahit], [[SARA_AA]], [], first) for marks in between]
    before_copy = [_chain(font, [], [nikhahit], marks + [[SARA_AA + COPY]], first + 1) for marks in between]
    lookups.append(_lookup(after_nikhahit, 6))
    lookups.append(_lookup(before_copy, 6))
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex = sorted(record.Feature.LookupListIndex + [first + 2, first + 3])
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    assert any(r.FeatureTag == "ccmp" for r in gsub.FeatureList.FeatureRecord)


def rename(font, style):
    name = font["name"]
    subfamily = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}[style]
    version = name.getDebugName(5)
    records = {
        1: FAMILY,
        3: f"{version.split(';')[0]};ITA Portal;SarabunPDF-{style}",
        4: f"{FAMILY} {subfamily}",
        5: f"{version}; Sarabun PDF: glyph copies for the PDF text layer",
        6: f"SarabunPDF-{style}",
        10: ("Sarabun, modified: separate copies of the SARA AA and NIKHAHIT glyphs that SARA AM is "
             "shaped into, so that each glyph maps back to one text in a PDF. Outlines, metrics and "
             "positioning are Sarabun's."),
    }
    for record in list(name.names):
        if record.nameID in (16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    for name_id, text in records.items():
        name.setName(text, name_id, 3, 1, 0x409)
        if name.getName(name_id, 1, 0, 0) is not None:
            name.setName(text, name_id, 1, 0, 0)


def glyph_texts(font) -> dict[str, str]:
    """The text each glyph shaping can produce stands for: the cmap's glyphs, then what GSUB
    substitutes for them (single, alternate, ligature), to a fixed point; the copies last."""
    texts = {}
    for codepoint, glyph in sorted(font.getBestCmap().items()):
        texts.setdefault(glyph, chr(codepoint))
    subtables = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            subtables.append(subtable.ExtSubTable if lookup.LookupType == 7 else subtable)
    changed = True
    while changed:
        changed = False
        for subtable in subtables:
            pairs = []
            if hasattr(subtable, "mapping"):  # single
                pairs = [(out, texts.get(src)) for src, out in subtable.mapping.items() if isinstance(out, str)]
            elif hasattr(subtable, "alternates"):
                pairs = [(out, texts.get(src)) for src, outs in subtable.alternates.items() for out in outs]
            elif hasattr(subtable, "ligatures"):
                for start, ligatures in subtable.ligatures.items():
                    for ligature in ligatures:
                        parts = [texts.get(g) for g in [start, *ligature.Component]]
                        pairs.append((ligature.LigGlyph, "".join(parts) if None not in parts else None))
            for glyph, text in pairs:
                if text is not None and glyph not in texts and not glyph.endswith(COPY):
                    texts[glyph] = text
                    changed = True
    texts[SARA_AA + COPY] = "\u0e33"
    texts.update({glyph + COPY: text for glyph, text in NIKHAHIT.items()})
    return texts


def build(style) -> tuple[bytes, dict]:
    font = TTFont(HERE / f"Sarabun-{style}.ttf", recalcTimestamp=False)
    order = font.getGlyphOrder()
    copies = [SARA_AA, *NIKHAHIT]
    assert not any(g + COPY in order for g in copies)
    font.setGlyphOrder(order + [g + COPY for g in copies])
    font["glyf"].glyphOrder = font.getGlyphOrder()
    for glyph in copies:
        copy_glyph(font, glyph, glyph + COPY)
    add_sara_am_lookups(font)
    rename(font, style)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    data = out.getvalue()
    font = TTFont(io.BytesIO(data))
    texts = glyph_texts(font)
    classes = font["GDEF"].table.GlyphClassDef.classDefs
    ids = sorted((font.getGlyphID(g), g) for g in texts)
    table = {"sha256": hashlib.sha256(data).hexdigest(),
             "glyphs": {str(gid): texts[g] for gid, g in ids},
             "marks": [gid for gid, g in ids if classes.get(g) == 3]}
    return data, table


def main():
    parser = argparse.ArgumentParser(description="Build Sarabun PDF from Sarabun.")
    parser.add_argument("--check", action="store_true", help="fail if the files differ from what would be built")
    args = parser.parse_args()
    outputs, tables = {}, {}
    for style in STYLES:
        data, table = build(style)
        outputs[HERE / f"SarabunPDF-{style}.ttf"] = data
        tables[f"SarabunPDF-{style}.ttf"] = table
    outputs[TABLE] = (json.dumps({"fonts": tables}, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    stale = [path.name for path, data in outputs.items() if not path.exists() or path.read_bytes() != data]
    if args.check:
        if stale:
            sys.exit(f"not as built: {', '.join(stale)} (run {Path(__file__).name})")
        print("Sarabun PDF is as built")
        return
    for path, data in outputs.items():
        path.write_bytes(data)
    print(f"wrote {', '.join(path.name for path in outputs)}")


if __name__ == "__main__":
    main()
