#!/usr/bin/env python3
# Writes the XLSX fixtures of member_import_xlsx_test.cpp (committed; run again only to change
# them): `openpyxl_export.xlsx` by a real spreadsheet library (Debian python3-openpyxl: shared
# strings, real date styles, numbers as numbers) and `helloasso_hand.xlsx`, a package written
# part by part the way HelloAsso's export looks (shared strings with rich-text runs, an inline
# string, a date stored as a bare serial number without a date style, sparse cells, an "x:"
# namespace prefix). Run with Debian's python: /usr/bin/python3 make_fixtures.py
import datetime
import pathlib
import zipfile

here = pathlib.Path(__file__).parent


def openpyxl_export():
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Adhérents'
    ws.append(['Nom', 'Prénom', 'Email', 'Date', 'Montant', 'Statut', 'Numéro de reçu',
               'Profession', 'Numéro RPPS'])
    ws.append(['Martin', 'Élodie', 'elodie.martin@example.fr', datetime.date(2025, 1, 15), 50,
               'Validé', 'R-2025-001', 'Médecin', 10101010101])
    ws.append(['Nguyen', 'Lan', 'lan.nguyen@example.fr', datetime.datetime(2025, 2, 3, 10, 32),
               45.5, 'Validé', 'R-2025-002', 'Infirmier', None])
    ws.append(['Durand', None, 'pas-une-adresse', datetime.date(2025, 3, 1), 30, 'Validé',
               'R-2025-003', 'Kinésithérapeute', None])
    ws.append([None] * 9)  # an empty row: skipped
    ws.append(['Roux', 'Jeanne', 'jeanne.roux@example.fr', 'hier', -5, 'Validé', 'R-2025-004',
               'Sage-femme', 1234])
    wb.save(here / 'openpyxl_export.xlsx')


CT = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/adherents.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/strings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'''
ROOT_RELS = '''<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'''
# The first sheet in workbook order is "Adhésions" (rId7), whatever the part is called.
WORKBOOK = '''<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr/><x:sheets><x:sheet name="Adhésions" sheetId="3" r:id="rId7"/><x:sheet name="Autre" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'''
WB_RELS = '''<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/autre.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/adherents.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>'''
strings = ['Référence commande', 'Date', 'Montant', 'Statut', 'Nom', 'Prénom', 'Email',
           'Numéro de reçu', 'Validé', 'Martin', 'Élodie', 'elodie.martin@example.fr',
           'Pharmacie du Centre', 'contact@pharma-centre.example', 'Paul']
si = ''.join('<x:si><x:t>%s</x:t></x:si>' % s for s in strings)
# A rich-text entry (two runs) and one with a phonetic run that must be left out.
si += '<x:si><x:r><x:t>Gar</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>cia</x:t></x:r></x:si>'
si += '<x:si><x:t>Inès</x:t><x:rPh sb="0" eb="1"><x:t>IGNORÉ</x:t></x:rPh></x:si>'
SST = ('<?xml version="1.0" encoding="UTF-8"?>\n<x:sst xmlns:x="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</x:sst>' % (
           len(strings) + 2, len(strings) + 2, si))


def s(ref, i):
    return '<x:c r="%s" t="s"><x:v>%d</x:v></x:c>' % (ref, i)


def n(ref, v):
    return '<x:c r="%s"><x:v>%s</x:v></x:c>' % (ref, v)


rows = [
    (1, [s('A1', 0), s('B1', 1), s('C1', 2), s('D1', 3), s('E1', 4), s('F1', 5), s('G1', 6),
         s('H1', 7)]),
    # 45672 = 15/01/2025 as a bare number (no style): read as a date because the column is "Date".
    (2, [n('A2', 1001), n('B2', '45672'), n('C2', '50'), s('D2', 8), s('E2', 9), s('F2', 10),
         s('G2', 11), '<x:c r="H2" t="inlineStr"><x:is><x:t>R-2025-0001</x:t></x:is></x:c>']),
    # No first-name cell (F3 missing): an empty cell, the next ones keep their columns; a serial
    # with a time of day; an amount with decimals.
    (3, [n('A3', 1002), n('B3', '45673.3395'), n('C3', '80.5'), s('D3', 8), s('E3', 12),
         s('G3', 13), '<x:c r="H3" t="inlineStr"><x:is><x:t>R-2025-0002</x:t></x:is></x:c>']),
    # Row 5 (row 4 absent): rich text name, phonetic run dropped; bad amount as text in C5.
    (5, [n('A5', 1003), n('B5', '45680'), '<x:c r="C5" t="str"><x:f>A1</x:f><x:v>trente</x:v></x:c>',
         s('D5', 8), s('E5', 15), s('F5', 16)]),
]
sheet_rows = ''.join('<x:row r="%d">%s</x:row>' % (r, ''.join(c)) for r, c in rows)
SHEET = ('<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="http://schemas.openxmlformats'
         '.org/spreadsheetml/2006/main"><x:sheetData>%s</x:sheetData></x:worksheet>' % sheet_rows)
OTHER = ('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Pas moi'
         '</t></is></c></row></sheetData></worksheet>')


def helloasso_hand():
    with zipfile.ZipFile(here / 'helloasso_hand.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in [('[Content_Types].xml', CT), ('_rels/.rels', ROOT_RELS),
                           ('xl/workbook.xml', WORKBOOK), ('xl/_rels/workbook.xml.rels', WB_RELS),
                           ('xl/strings.xml', SST), ('xl/worksheets/adherents.xml', SHEET),
                           ('xl/worksheets/autre.xml', OTHER)]:
            z.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), text.encode('utf-8'),
                       zipfile.ZIP_DEFLATED)


openpyxl_export()
helloasso_hand()
