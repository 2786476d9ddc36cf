// Package tabular is the one import framework: it reads the tables people
// keep their figures and plans in (CSV as Excel and LibreOffice write it,
// XLSX workbooks, tables in Word .docx files) into rows of text, maps
// columns by their headers, and reports every bad cell by the row number
// the spreadsheet shows (the header is row 1) and the column's header and
// letter. Nothing is written by this package: a capability calls Map, and
// writes only when it answers no problems, so a file is imported whole or
// not at all.
//
// Every read is bounded: file size, rows, columns, cell length, and for the
// zip-based formats the number of entries and the unpacked size.
package tabular

import (
	"bytes"
	"strings"

	"github.com/samvirke/samvirke/internal/app"
)

// Format is a file format the framework reads.
type Format string

// Formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	DOCX Format = "docx"
)

// Limits bound what reading one file may cost.
type Limits struct {
	MaxBytes    int64 // the file as uploaded
	MaxRows     int   // rows of one table, the header included
	MaxColumns  int   // columns of one table
	MaxCell     int   // bytes of one cell
	MaxEntries  int   // files inside a zip-based format
	MaxUnpacked int64 // bytes inside a zip-based format, unpacked
}

// DefaultLimits suit an upload through a form: a few megabytes, tens of
// thousands of rows.
var DefaultLimits = Limits{
	MaxBytes: 8 << 20, MaxRows: 50_000, MaxColumns: 200, MaxCell: 32 << 10,
	MaxEntries: 1_000, MaxUnpacked: 64 << 20,
}

// Table is one sheet of a workbook, one table of a document or the whole
// of a CSV file. Rows[0] is row 1 as the file shows it: usually the
// header. Every row has as many cells as the widest row.
type Table struct {
	Name   string // the sheet's name; "" for CSV and .docx
	Number int    // its place in the book, from 1
	Rows   [][]string
}

// Book is what a file holds: its format and its tables in file order.
type Book struct {
	Format Format
	Tables []*Table
}

// First answers the first table with at least one row, nil when there is
// none.
func (b *Book) First() *Table {
	for _, t := range b.Tables {
		if len(t.Rows) > 0 {
			return t
		}
	}
	return nil
}

// Read reads a file into tables. The format follows the content, not the
// name: a zip holding word/document.xml is a .docx, one holding
// xl/workbook.xml an .xlsx, and text in UTF-8 is CSV. Anything else is
// refused with an error a user can act on.
func Read(data []byte, lim Limits) (*Book, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, app.Errorf(app.ETooLarge, "import.error.too_large", "max", app.ByteSize(lim.MaxBytes))
	}
	var book *Book
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		book, err = readZip(data, lim)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, app.Errorf(app.EInvalid, "import.error.empty")
	default:
		book, err = readCSV(data, lim)
	}
	if err != nil {
		return nil, err
	}
	for i, t := range book.Tables {
		t.Number = i + 1
	}
	return book, nil
}

// ColumnLetter is a column's name as spreadsheets show it: 1 → A, 27 → AA.
func ColumnLetter(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// table builds a Table from rows of cells, padding short rows, dropping
// empty trailing rows and checking the limits.
func table(name string, rows [][]string, lim Limits) (*Table, error) {
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if len(rows) > lim.MaxRows {
		return nil, app.Errorf(app.ETooLarge, "import.error.too_many_rows", "max", lim.MaxRows)
	}
	width := 0
	for i, r := range rows {
		for len(r) > 0 && strings.TrimSpace(r[len(r)-1]) == "" {
			r = r[:len(r)-1]
		}
		rows[i] = r
		width = max(width, len(r))
	}
	if width > lim.MaxColumns {
		return nil, app.Errorf(app.ETooLarge, "import.error.too_many_columns", "max", lim.MaxColumns)
	}
	for i, r := range rows {
		for j, c := range r {
			if len(c) > lim.MaxCell {
				return nil, app.Errorf(app.ETooLarge, "import.error.cell_too_long",
					"row", i+1, "column", ColumnLetter(j+1), "max", app.ByteSize(int64(lim.MaxCell)))
			}
		}
		if len(r) < width {
			rows[i] = append(r, make([]string, width-len(r))...)
		}
	}
	return &Table{Name: name, Rows: rows}, nil
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
