package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/samvirke/samvirke/internal/app"
)

// readCSV reads CSV as spreadsheets write it: comma, semicolon or tab
// between cells (the one the first line uses most), UTF-8 with or without
// a byte order mark, CRLF or LF, quoted cells over several lines. A file
// that is not UTF-8 is read as Windows-1252, which is what Excel writes
// when "CSV" is chosen rather than "CSV UTF-8" on a Nordic Windows.
func readCSV(data []byte, lim Limits) (*Book, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "import.error.encoding")
		}
		data = dec
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, app.Errorf(app.EInvalid, "import.error.format")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			row := len(rows) + 1
			if errors.As(err, &pe) {
				row = pe.StartLine
			}
			return nil, app.Errorf(app.EInvalid, "import.error.csv", "row", row).Wrap(err)
		}
		if len(rows) >= lim.MaxRows {
			return nil, app.Errorf(app.ETooLarge, "import.error.too_many_rows", "max", lim.MaxRows)
		}
		rows = append(rows, rec)
	}
	t, err := table("", rows, lim)
	if err != nil {
		return nil, err
	}
	return &Book{Format: CSV, Tables: []*Table{t}}, nil
}

// delimiter answers the separator the first record uses most, outside
// quotes: ';' (what Nordic spreadsheets write, since their decimal mark is
// the comma), ',' or tab.
func delimiter(data []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range data {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ';' || c == ',' || c == '\t' {
			counts[c]++
		}
	}
	best, n := byte(','), 0
	for _, c := range []byte{';', ',', '\t'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}
