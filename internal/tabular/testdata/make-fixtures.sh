#!/usr/bin/env bash
# Makes the import fixtures from the hand-written spreadsheets (*.fods,
# flat OpenDocument) with LibreOffice, outside the code under test:
#   apt-get install libreoffice-calc-nogui && ./make-fixtures.sh
# CSV: semicolon-separated, quoted where needed, UTF-8. Debian's
# LibreOffice 7.4 writes neither a byte order mark nor CRLF on Linux;
# LibreOffice and Excel on Windows write both, so both are added here.
# XLSX: LibreOffice's Excel 2007–365 filter, with the merged «Område»
# cells and real date cells of the source.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in plan plan-bad-row7; do
  soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1' --outdir "$out" "$f.fods" >/dev/null
  soffice --headless --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$out" "$f.fods" >/dev/null
  { printf '\xef\xbb\xbf'; sed 's/$/\r/' "$out/$f.csv"; } >"$f.csv"
  cp "$out/$f.xlsx" "$f.xlsx"
done
# DOCX: LibreOffice's Word 2007–365 filter; the «Område» cell spans two
# rows (w:vMerge) and one cell holds two paragraphs.
soffice --headless --infilter="HTML (StarWriter)" --convert-to "docx:MS Word 2007 XML" --outdir "$out" plan.html >/dev/null
cp "$out/plan.docx" plan.docx
