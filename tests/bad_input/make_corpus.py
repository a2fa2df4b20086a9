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
