#!/usr/bin/env python3
# Writes the bad-input corpus (tests/bad_input/<importer>/) from the cases below: binary bytes
# (NUL, Latin-1, overlong UTF-8) are easier to state here than in files edited by hand. The
# expectations live next to the files (expectations.tsv) and are checked by bad_input_tests.
# Run from this folder: python3 make_corpus.py
import os, pathlib

here = pathlib.Path(__file__).parent
golden = (here / '../../fuzz/rpps_extract/corpus/golden').read_bytes()[1:]  # first byte: selector
rpps_header = golden.split(b'\n')[0] + b'\n'
good = golden.split(b'\n')[1]  # 8|10000000001|...|57463|...


def field(line, i, value):
    f = line.split(b'|')
    f[i] = value
    return b'|'.join(f)


cases = {}
rp = {}
rp['ok.txt'] = (rpps_header + good + b'\n' + field(good, 1, b'10000000002') + b'\n', 'imported', '')
rp['crlf_bom.txt'] = (b'\xef\xbb\xbf' + (rpps_header + good + b'\n').replace(b'\n', b'\r\n'), 'imported', '')
rp['no_final_newline.txt'] = (rpps_header + good, 'imported', '')
rp['empty.txt'] = (b'', 'refused', 'fichier vide')
rp['wrong_header.txt'] = (rpps_header.replace(b'Identifiant PP|', b'Identifiant|', 1) + good + b'\n', 'refused', 'colonne 2')
rp['nul_in_header.txt'] = (rpps_header.replace(b'Nom d', b'Nom\x00d', 1) + good + b'\n', 'refused', 'colonne 8')
rp['binary.txt'] = (bytes(range(256)) * 4, 'refused', 'rpps.txt:1: Type d\'identifiant PP: colonne 1')
rp['nul_in_name.txt'] = (rpps_header + good + b'\n' + field(good, 7, b'DUP\x00ONT') + b'\n', 'line 3', "champ « Nom d'exercice » (colonne 8, octet 4) : octet nul")
rp['nul_in_commune.txt'] = (rpps_header + field(good, 36, b'57\x00463') + b'\n', 'line 2', 'octet nul')
rp['latin1_label.txt'] = (rpps_header + field(good, 10, b'M\xe9decin') + b'\n', 'line 2', 'Libellé profession » (colonne 11, octet 2) : octets non UTF-8')
rp['overlong_utf8.txt'] = (rpps_header + field(good, 25, b'rue \xc0\xaf') + b'\n', 'line 2', 'non UTF-8')
rp['surrogate_utf8.txt'] = (rpps_header + field(good, 25, b'\xed\xa0\x80') + b'\n', 'line 2', 'non UTF-8')
rp['cut_utf8.txt'] = (rpps_header + field(good, 16, b'M\xc3') + b'\n', 'line 2', 'non UTF-8')
rp['no_trailing_bar.txt'] = (rpps_header + field(good, 51, b'x')[:-1] + b'\n', 'line 2', '« | » final manque')
rp['short_line.txt'] = (rpps_header + b'8|10000000001|x|\n', 'line 2', 'champs au lieu de 52')
rp['bad_rpps_id.txt'] = (rpps_header + field(good, 1, b'1234') + b'\n', 'line 2', 'Identifiant PP « 1234 » invalide')
rp['bad_profession.txt'] = (rpps_header + field(good, 9, b'MED') + b'\n', 'line 2', 'Code profession « MED » invalide')
rp['bad_commune.txt'] = (rpps_header + field(good, 36, b'5746') + b'\n', 'line 2', 'Code commune (coord. structure) « 5746 » invalide')
rp['unknown_commune.txt'] = (rpps_header + field(good, 36, b'57999') + b'\n', 'line 2', 'inconnu du référentiel')
rp['blank_lines.txt'] = (rpps_header + b'\n\n' + good + b'\n\n', 'imported', '')
cases['rpps'] = rp

od = {}
H = b'origin,destination,minutes\n'
od['ok.csv'] = (H + b'57463,57480,12.5\n57480,57463,12.50\n', 'imported', '')
od['crlf_bom.csv'] = (b'\xef\xbb\xbf' + (H + b'57463,57480,12.5\n').replace(b'\n', b'\r\n'), 'imported', '')
od['no_final_newline.csv'] = (H + b'57463,57480,12.5', 'imported', '')
od['quoted.csv'] = (H + b'"57463","57480","12.5"\n', 'imported', '')
od['semicolon_decimal_comma.csv'] = (b'origin;destination;minutes\n57463;57480;12,5\n', 'imported', '')
od['empty.csv'] = (b'', 'refused', 'od.csv:1: fichier vide')
od['no_minutes_column.csv'] = (b'origin,destination,temps\n57463,57480,1\n', 'refused', 'od.csv:1: minutes: colonne « minutes » absente')
od['bad_number.csv'] = (H + b'57463,57480,1\n57480,57463,douze\n', 'refused', 'od.csv:3: minutes: nombre attendu, lu « douze »')
od['negative.csv'] = (H + b'57463,57480,-1\n', 'refused', 'od.csv:2: minutes: valeur négative « -1 »')
od['nan.csv'] = (H + b'57463,57480,nan\n', 'refused', 'od.csv:2: minutes: nombre attendu')
od['unclosed_quote.csv'] = (H + b'"57463,57480,1\n', 'refused', 'od.csv:2: guillemet non fermé')
od['short_line.csv'] = (H + b'57463,57480\n', 'refused', 'od.csv:2: ligne incomplète')
od['empty_origin.csv'] = (H + b',57480,1\n', 'refused', 'od.csv:2: origin: identifiant vide')
od['duplicate_pair.csv'] = (H + b'57463,57480,1\n57463,57480,2\n', 'refused', 'od.csv:3: destination: paire « 57463 » → « 57480 » en double (déjà ligne 2)')
od['unknown_id.csv'] = (H + b'57463,57480,1\n99999,57480,2\n', 'line 3', '1 ligne(s) ignorée(s)')
od['nul_in_id.csv'] = (H + b'57463,57480,1\n57\x00463,57480,2\n', 'line 3', 'identifiant absent du fichier de demande')
od['nul_in_number.csv'] = (H + b'57463,57480,1\x00\n', 'refused', 'od.csv:2: minutes: nombre attendu')
od['latin1_id.csv'] = (H + b'57463,57480,1\nM\xe9tz,57480,2\n', 'line 3', 'identifiant absent du fichier de demande')
od['binary.csv'] = (bytes(range(1, 256)) * 4, 'refused', 'colonne « origin » absente')
cases['od_csv'] = od

tc = {}
TH = b'code_insee,territoire\n'
tc['ok.csv'] = (TH + b'57463,CPTS Metz\n57480,CPTS Metz\n', 'imported', '')
tc['crlf_bom_semicolon.csv'] = (b'\xef\xbb\xbf' + b'code_insee;territoire\r\n57463;CPTS Metz\r\n', 'imported', '')
tc['empty.csv'] = (b'', 'refused', 'vide')
tc['no_code_column.csv'] = (b'commune,territoire\nMetz,CPTS\n', 'refused', 'territoire.csv:1')
tc['unclosed_quote.csv'] = (TH + b'57463,"CPTS Metz\n', 'refused', 'territoire.csv:2')
tc['unknown_code.csv'] = (TH + b'57463,CPTS Metz\n57999,CPTS Metz\n', 'line 3', 'code_insee: code INSEE « 57999 » inconnu')
tc['four_digits.csv'] = (TH + b'1004,CPTS Ain\n', 'line 2', '1004')
tc['duplicate.csv'] = (TH + b'57463,CPTS Metz\n57463,CPTS Metz\n', 'line 3', '57463')
tc['malformed_code.csv'] = (TH + b'57A63,CPTS Metz\n', 'line 2', '57A63')
tc['nul_in_code.csv'] = (TH + b'57\x00463,CPTS Metz\n', 'line 2', 'code_insee')
tc['empty_name.csv'] = (TH + b'57463,\n', 'line 2', 'territoire')
tc['nul_in_name.csv'] = (TH + b'57463,CPTS\x00Metz\n', 'line 2', 'territoire.csv:2: territoire: octet nul (octet 5)')
tc['latin1_name.csv'] = (TH + b'57463,CPTS M\xe9tz\n', 'line 2', 'territoire: octets non UTF-8 (octet 7')
cases['territory_csv'] = tc

ac = {}
ex = (here / '../../fuzz/aci_contract/corpus/cpts_exemple.json').read_bytes()
ac['cpts_exemple.json'] = (ex, 'imported', '')
ac['msp_exemple.json'] = ((here / '../../fuzz/aci_contract/corpus/msp_exemple.json').read_bytes(), 'imported', '')
ac['empty.json'] = (b'', 'refused', 'contrat.json')
ac['not_json.json'] = (b'format = "toml"\n', 'refused', 'contrat.json:1')
ac['truncated.json'] = (ex[: len(ex) // 2], 'refused', 'contrat.json')
ac['negative_amount.json'] = (ex.replace(b'"62500.00"', b'"-62500.00"', 1), 'refused', 'amounts')
ac['unknown_field.json'] = (ex.replace(b'"population": 61250,', b'"population": 61250, "populaton": 1,', 1), 'refused', 'contrat.json:12: populaton: champ inconnu')
ac['wrong_type.json'] = (ex.replace(b'"population": 61250', b'"population": "61250"', 1), 'refused', 'contrat.json:12: population: entier attendu')
ac['bad_date.json'] = (ex.replace(b'"signature": "2021-02-15"', b'"signature": "2021-02-30"', 1), 'refused', 'contrat.json:10: signature')
ac['unknown_mission.json'] = (ex.replace(b'"mission": "acces_soins"', b'"mission": "acces_aux_soins"', 1), 'refused', 'mission')
ac['nul_escape_in_name.json'] = (ex.replace(b'CPTS fictive du Val', b'CPTS\\u0000fictive du Val', 1), 'refused', 'parties.cpts.name: caractère nul')
ac['raw_nul_in_name.json'] = (ex.replace(b'CPTS fictive du Val', b'CPTS\x00fictive du Val', 1), 'refused', 'contrat.json:6')
ac['latin1_in_name.json'] = (ex.replace(b'CPTS fictive du Val', b'CPTS fictive du Val d\xe9', 1), 'refused', 'contrat.json:6')
cases['aci_contract'] = ac

nr = {}
tiny = (here / '../../fuzz/roster_nrp/corpus/tiny.txt').read_bytes()
nr['tiny.txt'] = (tiny, 'imported', '')
nr['empty.txt'] = (b'', 'refused', 'planning.txt')
nr['no_horizon.txt'] = (tiny.replace(b'SECTION_HORIZON\n# days\n7\n', b''), 'refused', 'planning.txt')
nr['bad_length.txt'] = (tiny.replace(b'D,480,', b'D,quatre,'), 'refused', 'planning.txt:8: SECTION_SHIFTS: Length')
nr['unknown_shift.txt'] = (tiny.replace(b'0,D,1,100,1', b'0,X,1,100,1'), 'refused', 'planning.txt')
nr['nul_in_staff.txt'] = (tiny.replace(b'A,D=7', b'A\x00,D=7', 1), 'refused', 'planning.txt')
cases['roster_nrp'] = nr

pt = {}
tpl = (here / '../../rules/projet_de_sante/default.toml').read_bytes()
pt['default.toml'] = (tpl, 'imported', '')
pt['empty.toml'] = (b'', 'refused', 'modele.toml:1: schema: « schema » manquant')
pt['truncated.toml'] = (tpl[: len(tpl) // 2].rsplit(b'\n', 1)[0] + b'\n[[chapters.blocks]]\ntext = "sans fin\n', 'refused', 'modele.toml:74: syntaxe TOML invalide')
pt['other_schema.toml'] = (tpl.replace(b'maillage-projet-de-sante/1', b'maillage-projet-de-sante/9', 1), 'refused', 'modele.toml:12: schema: schéma « maillage-projet-de-sante/9 » inconnu')
pt['unknown_data_block.toml'] = (tpl.replace(b'data = "evolution"', b'data = "evolutions"', 1), 'refused', 'modele.toml:118: chapters[diagnostic].blocks[9]: chapitre « diagnostic » : bloc de données inconnu « evolutions »')
pt['empty_data_block.toml'] = (tpl.replace(b'data = "budget"', b'data = ""', 1), 'refused', 'modele.toml:180: chapters[budget].blocks[0]: chapitre « budget » : bloc de données sans nom')
pt['duplicate_prompt.toml'] = (tpl.replace(b'prompt = "evaluation"', b'prompt = "communication"', 1), 'refused', 'modele.toml:190: chapters[evaluation].blocks[0]: chapitre « evaluation » : zone de saisie « communication » en double')
pt['reserved_prompt.toml'] = (tpl.replace(b'prompt = "evaluation"', b'prompt = "mission.evaluation"', 1), 'refused', 'modele.toml:190: chapters[evaluation].blocks[0]: chapitre « evaluation » : identifiant de zone de saisie invalide « mission.evaluation »')
pt['unknown_key.toml'] = (tpl.replace(b'data = "budget"', b'data = "budget"\ncouleur = "rouge"', 1), 'refused', 'modele.toml:182: chapters[budget].blocks[0]: chapitre « budget » : clé inconnue « couleur »')
pt['nul_in_text.toml'] = (tpl.replace(b'Les missions socles', b'Les\x00missions socles', 1), 'refused', 'modele.toml:129: syntaxe TOML invalide')
pt['latin1_in_text.toml'] = (tpl.replace(b'Les missions socles', b'Les missions socles \xe9', 1), 'refused', 'modele.toml:129: syntaxe TOML invalide')
cases['projet_template'] = pt

# Association members: CSV and XLSX through association::parse_member_csv / parse_member_xlsx;
# the file's own name is the name in the messages.
am = {}
AH = 'Nom;Prénom;Email;Date;Montant;Statut;Numéro RPPS\n'.encode()
am['ok.csv'] = (b'\xef\xbb\xbf' + (AH + 'Martin;Élodie;elodie@example.fr;15/01/2025 10:32;50,00 €;Validé;10101010101\n'.encode()).replace(b'\n', b'\r\n'), 'imported', '')
am['empty.csv'] = (b'', 'refused', 'empty.csv:1: fichier vide')
am['no_name_column.csv'] = (b'Email;Date\na@example.fr;15/01/2025\n', 'refused', 'no_name_column.csv:1: aucune colonne « Nom »')
am['unclosed_quote.csv'] = (AH + b'"Martin;Elodie;a@example.fr;;;;\n', 'refused', 'unclosed_quote.csv:2: guillemet ouvert et jamais refermé')
am['bad_email.csv'] = (AH + b'Martin;Elodie;a@example.fr;;;;\nRoux;Jean;pas-un-mail;;;;\n', 'line 3', 'bad_email.csv:3: Email: adresse e-mail « pas-un-mail » invalide')
am['bad_rpps.csv'] = (AH + b'Martin;Elodie;;;;;1234\n', 'line 2', 'bad_rpps.csv:2: Numéro RPPS: identifiant RPPS « 1234 » invalide')
am['bad_date.csv'] = (AH + b'Martin;Elodie;;31/02/2025;;;\n', 'line 2', 'bad_date.csv:2: Date: date « 31/02/2025 » illisible')
am['two_digit_year.csv'] = (AH + b'Martin;Elodie;;15/01/25;;;\n', 'line 2', 'two_digit_year.csv:2: Date: date « 15/01/25 » illisible')
am['ambiguous_amount.csv'] = (AH + b'Martin;Elodie;;;1.200;;\n', 'line 2', 'ambiguous_amount.csv:2: Montant: montant « 1.200 » illisible')
am['latin1_name.csv'] = (AH + b'Th\xe9ry;Elodie;;;;;\n', 'line 2', 'latin1_name.csv:2: Nom: texte illisible')
am['nul_in_email.csv'] = (AH + b'Martin;Elodie;a\x00@example.fr;;;;\n', 'line 2', 'nul_in_email.csv:2: Email: texte illisible')
am['too_many_cells.csv'] = (AH + b'Martin;Elodie;;;;;;en trop\n', 'line 2', 'too_many_cells.csv:2: 8 cellules pour 7 colonnes')
am['no_name.csv'] = (AH + b';Elodie;a@example.fr;;;;\n', 'line 2', 'no_name.csv:2: Nom: nom manquant')
am['duplicate_rpps.csv'] = (AH + b'Martin;Elodie;;;;;10101010101\nMartin;E.;;;;;10101010101\n', 'line 3', 'RPPS 10101010101 déjà présent ligne 2')

import zipfile, io
XNS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PNS = 'http://schemas.openxmlformats.org/package/2006/relationships'


def xlsx(sheet_rows=None, strings=None, sheet_xml=None, parts=None, drop=()):
    """A minimal workbook: sheet "Feuil1"; rows as lists of (ref, xml) cells or a raw sheet."""
    if sheet_xml is None:
        body = ''.join('<row r="%d">%s</row>' % (r, ''.join(cells)) for r, cells in sheet_rows)
        sheet_xml = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (XNS, body)
    files = {
        '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
        '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PNS, RNS),
        'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>' % (XNS, RNS),
        'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>' % (PNS, RNS, RNS),
        'xl/sharedStrings.xml': '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s">%s</sst>' % (XNS, ''.join('<si><t>%s</t></si>' % t for t in (strings or []))),
        'xl/worksheets/sheet1.xml': sheet_xml,
    }
    files.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            if name in drop:
                continue
            data = text if isinstance(text, bytes) else text.encode('utf-8')
            z.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def t(ref, text):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, text)


def num(ref, v):
    return '<c r="%s"><v>%s</v></c>' % (ref, v)


XH = (1, [t('A1', 'Nom'), t('B1', 'Prénom'), t('C1', 'Email'), t('D1', 'Date'), t('E1', 'Montant')])
am['ok.xlsx'] = (xlsx([XH, (2, [t('A2', 'Martin'), t('B2', 'Élodie'), t('C2', 'a@example.fr'), num('D2', 45672), num('E2', 50)])]), 'imported', '')
am['not_a_zip.xlsx'] = (AH + b'Martin;Elodie;;;;;\n', 'refused', "not_a_zip.xlsx: ce fichier n'est pas un classeur XLSX")
am['old_xls.xlsx'] = (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(504), 'refused', 'old_xls.xlsx: ancien classeur Excel (.xls)')
am['truncated.xlsx'] = (am['ok.xlsx'][0][:300], 'refused', 'truncated.xlsx: classeur XLSX illisible')
am['no_workbook.xlsx'] = (xlsx([XH], drop=('xl/workbook.xml',)), 'refused', 'no_workbook.xlsx: classeur XLSX sans partie « xl/workbook.xml »')
am['empty_sheet.xlsx'] = (xlsx([]), 'refused', 'empty_sheet.xlsx:1: feuille « Feuil1 » vide')
am['malformed_xml.xlsx'] = (xlsx(sheet_xml='<worksheet><sheetData><row r="1"><c r="A1"></row></sheetData></worksheet>'), 'refused', 'malformed_xml.xlsx: XML invalide dans la partie « xl/worksheets/sheet1.xml », ligne 1')
am['doctype.xlsx'] = (xlsx(sheet_xml='<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'), 'refused', 'doctype.xlsx: déclaration DOCTYPE refusée dans un classeur')
am['bad_shared_index.xlsx'] = (xlsx([XH, (2, ['<c r="A2" t="s"><v>99</v></c>'])], strings=['Martin']), 'refused', 'bad_shared_index.xlsx:2: A2: texte partagé n° « 99 » absent du classeur')
am['bad_cell_ref.xlsx'] = (xlsx([XH, (2, [t('B9', 'Martin')])]), 'refused', 'bad_cell_ref.xlsx:2: B9: référence de cellule « B9 » invalide')
am['zip_bomb.xlsx'] = (xlsx([XH], parts={'xl/worksheets/sheet1.xml': b'<worksheet>' + b' ' * (65 << 20) + b'</worksheet>'}), 'refused', 'zip_bomb.xlsx: partie « xl/worksheets/sheet1.xml » trop grande une fois décompressée')
am['bad_email.xlsx'] = (xlsx([XH, (2, [t('A2', 'Martin')]), (3, [t('A3', 'Roux'), t('C3', 'pas-un-mail')])]), 'line 3', 'bad_email.xlsx:3: Email (colonne C): adresse e-mail « pas-un-mail » invalide')
am['lotus_day.xlsx'] = (xlsx([XH, (2, [t('A2', 'Martin'), num('D2', 60)])]), 'line 2', 'lotus_day.xlsx:2: Date (colonne D): date « 60 » illisible')
am['amount_three_decimals.xlsx'] = (xlsx([XH, (2, [t('A2', 'Martin'), num('E2', 12.345)])]), 'line 2', 'amount_three_decimals.xlsx:2: Montant (colonne E): montant « 12.345 » illisible')
am['cell_right_of_header.xlsx'] = (xlsx([XH, (2, [t('A2', 'Martin'), t('G2', 'en trop')])]), 'line 2', 'cell_right_of_header.xlsx:2: colonne G: cellule remplie à droite')
cases['association_members'] = am

for importer, files in cases.items():
    d = here / importer
    d.mkdir(exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    lines = ['# file\toutcome (imported | refused | line N)\texpected text in the error or the line report']
    for name, (data, outcome, detail) in files.items():
        (d / name).write_bytes(data)
        lines.append(f'{name}\t{outcome}\t{detail}')
    (d / 'expectations.tsv').write_text('\n'.join(lines) + '\n', encoding='utf-8')
