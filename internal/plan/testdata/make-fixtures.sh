#!/usr/bin/env bash
# Makes the action-plan import fixtures from hand-kept sources with
# LibreOffice, outside the code under test:
#   apt-get install libreoffice-calc-nogui libreoffice-writer-nogui && ./make-fixtures.sh
#
# Sources: Tierp's action plan (seed 004) with every area, goal, problem,
# activity, responsible and timeline as the seed writes them. Two cells
# are read the way the document means them, not as its text extraction
# shifted them: the Språk problem that a page break splits over two rows
# is one cell of two lines, and Samverkan's «Driva projekt …» row names a
# responsible and a timeline but no activity. Two follow-up results (one
# with a date) are added for the test; the seed's are empty.
#   tierp.fods      the plan as one sheet: a header row, each area a
#                   merged row over its lines (written to tierp.xlsx)
#   tierp-csv.fods  the same with an «Område» column named on each area's
#                   first row (tierp.csv, and tierp-bad-date.csv whose
#                   row 7 has the follow-up date «32.13.2018»)
#   tierp.html      one Word table per area under «Mål/delmål för område
#                   X» (tierp.docx)
# The <!--row7-date--> marker is row 7's follow-up date cell: empty in
# the good files, «32.13.2018» in the bad one.
#
# CSV: semicolon-separated, quoted where needed, UTF-8. Debian's
# LibreOffice 7.4 writes neither a byte order mark nor CRLF on Linux;
# LibreOffice and Excel on Windows write both, so both are added here.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
empty='<table:table-cell/>'
bad='<table:table-cell office:value-type="string"><text:p>32.13.2018</text:p></table:table-cell>'
sed "s|<!--row7-date-->|$empty|" tierp.fods >"$out/tierp.fods"
sed "s|<!--row7-date-->|$empty|" tierp-csv.fods >"$out/tierp.fods.csv" && mv "$out/tierp.fods.csv" "$out/tierp-csv.fods"
sed "s|<!--row7-date-->|$bad|" tierp-csv.fods >"$out/tierp-bad-date.fods"
soffice --headless --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$out" "$out/tierp.fods" >/dev/null
cp "$out/tierp.xlsx" tierp.xlsx
for f in tierp-csv tierp-bad-date; do
  soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1' --outdir "$out" "$out/$f.fods" >/dev/null
done
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$out/tierp-csv.csv"; } >tierp.csv
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$out/tierp-bad-date.csv"; } >tierp-bad-date.csv
soffice --headless --infilter="HTML (StarWriter)" --convert-to "docx:MS Word 2007 XML" --outdir "$out" tierp.html >/dev/null
cp "$out/tierp.docx" tierp.docx
