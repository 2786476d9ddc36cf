package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/app"
)

// readZip reads the zip-based formats after checking what the zip holds:
// no more entries and no more unpacked bytes than the limits allow (the
// sizes in the zip's directory are checked against what is unpacked by
// archive/zip itself, so a file cannot claim less than it holds).
func readZip(data []byte, lim Limits) (*Book, error) {
	names, err := openZip(data, lim)
	if err != nil {
		return nil, err
	}
	switch {
	case names["xl/workbook.xml"] != nil:
		return readXLSX(data, lim)
	case names["word/document.xml"] != nil:
		return readDOCX(names["word/document.xml"], lim)
	}
	return nil, app.Errorf(app.EInvalid, "import.error.format")
}

// openZip opens a zip-based file within the limits: no more entries and
// no more unpacked bytes than they allow. It answers the files by name.
func openZip(data []byte, lim Limits) (map[string]*zip.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, app.Errorf(app.ETooLarge, "import.error.unpacked", "max", app.ByteSize(lim.MaxUnpacked))
	}
	var total uint64
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		names[f.Name] = f
	}
	if total > uint64(lim.MaxUnpacked) {
		return nil, app.Errorf(app.ETooLarge, "import.error.unpacked", "max", app.ByteSize(lim.MaxUnpacked))
	}
	return names, nil
}

// Document is a Word document (.docx) as ReadDocument reads it: its
// text as a word processor's "save as plain text" writes it, and its
// tables, each with where its cells' text stands in Text.
type Document struct {
	Text   string
	Tables []DocumentTable
}

// DocumentTable is a table of a Document: its rows (as Read answers a
// .docx's tables) and the bytes [Start, End) of Text its cells fill.
type DocumentTable struct {
	*Table
	Start, End int
}

// DocumentText answers the text of a Word document (.docx): ReadDocument's
// Text.
func DocumentText(data []byte, lim Limits) (string, error) {
	d, err := ReadDocument(data, lim)
	if err != nil {
		return "", err
	}
	return d.Text, nil
}

// ReadDocument reads a Word document (.docx) into its text, as a word
// processor's "save as plain text" would (a line per paragraph, a table's
// cells one after another, each a paragraph: headings, lists and tables
// lose their form, the words and their order stay), and its tables, each
// with the stretch of the text its cells fill. Other files are
// app.EInvalid "import.error.format".
func ReadDocument(data []byte, lim Limits) (*Document, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, app.Errorf(app.ETooLarge, "import.error.too_large", "max", app.ByteSize(lim.MaxBytes))
	}
	names, err := openZip(data, lim)
	if err != nil {
		return nil, err
	}
	f := names["word/document.xml"]
	if f == nil {
		return nil, app.Errorf(app.EInvalid, "import.error.format")
	}
	return readDocument(f, lim)
}

// readXLSX reads every sheet. A merged cell's value fills every cell of
// its range, so a row under a merged «Område» still names its area.
func readXLSX(data []byte, lim Limits) (*Book, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnpacked, UnzipXMLSizeLimit: lim.MaxUnpacked,
	})
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
	}
	defer f.Close()
	book := &Book{Format: XLSX}
	for _, sheet := range f.GetSheetList() {
		rows, err := sheetRows(f, sheet, lim)
		if err != nil {
			return nil, err
		}
		merges, err := f.GetMergeCells(sheet)
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
		}
		for _, m := range merges {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil || r2 > lim.MaxRows || c2 > lim.MaxColumns {
				continue // a range outside what is read fills nothing read
			}
			for len(rows) < r2 {
				rows = append(rows, nil)
			}
			for r := r1; r <= r2; r++ {
				for len(rows[r-1]) < c2 {
					rows[r-1] = append(rows[r-1], "")
				}
				for c := c1; c <= c2; c++ {
					rows[r-1][c-1] = m.GetCellValue()
				}
			}
		}
		t, err := table(sheet, rows, lim)
		if err != nil {
			return nil, err
		}
		book.Tables = append(book.Tables, t)
	}
	return book, nil
}

// sheetRows streams a sheet's rows as they are shown (formatted values),
// stopping at the row limit.
func sheetRows(f *excelize.File, sheet string, lim Limits) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) >= lim.MaxRows {
			return nil, app.Errorf(app.ETooLarge, "import.error.too_many_rows", "max", lim.MaxRows)
		}
		cols, err := it.Columns()
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
		}
		if len(cols) > lim.MaxColumns {
			return nil, app.Errorf(app.ETooLarge, "import.error.too_many_columns", "max", lim.MaxColumns)
		}
		rows = append(rows, cols)
	}
	return rows, it.Error()
}

// WordprocessingML's main namespace.
const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// readDOCX reads the tables of a Word document (see readDocument).
func readDOCX(f *zip.File, lim Limits) (*Book, error) {
	doc, err := readDocument(f, lim)
	if err != nil {
		return nil, err
	}
	if len(doc.Tables) == 0 {
		return nil, app.Errorf(app.EInvalid, "import.error.no_table")
	}
	book := &Book{Format: DOCX}
	for _, t := range doc.Tables {
		book.Tables = append(book.Tables, t.Table)
	}
	return book, nil
}

// readDocument reads a Word document's text and tables, each table
// named "" and numbered from 1. A cell's paragraphs are joined by line
// breaks; a cell spanning columns (gridSpan) or continuing a vertical
// merge (vMerge) takes the merged value, as in a spreadsheet. A table
// inside a cell is read as that cell's text.
func readDocument(f *zip.File, lim Limits) (*Document, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, lim.MaxUnpacked))
	doc := &Document{}
	var (
		text         strings.Builder
		depth        int // nesting of w:tbl
		start        int // where the outermost table's text starts
		rows         [][]string
		row          []string
		cell         strings.Builder
		span         int
		vmerge, cont bool
		paras        int
		inText       bool // inside w:t, the only element whose text is shown
		prevRow      []string
	)
	write := func(s string) {
		text.WriteString(s)
		if depth >= 1 && cell.Len() <= lim.MaxCell {
			cell.WriteString(s)
		}
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "import.error.format").Wrap(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "tbl":
				depth++
				if depth == 1 {
					rows, prevRow, start = nil, nil, text.Len()
				}
			case "tr":
				if depth == 1 {
					row = nil
				}
			case "tc":
				if depth == 1 {
					cell.Reset()
					span, vmerge, cont, paras = 1, false, false, 0
				}
			case "gridSpan":
				if depth == 1 {
					if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 1 && n <= lim.MaxColumns {
						span = n
					}
				}
			case "vMerge":
				if depth == 1 {
					vmerge = true
					cont = attr(t, "val") != "restart"
				}
			case "p":
				if depth >= 1 {
					if paras > 0 {
						cell.WriteByte('\n')
					}
					paras++
				}
			case "t":
				inText = true
			case "tab":
				write("\t")
			case "br", "cr":
				write("\n")
			}
		case xml.CharData:
			if inText {
				write(string(t))
			}
		case xml.EndElement:
			if t.Name.Space != wordNS {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text.WriteByte('\n')
			case "tc":
				if depth != 1 {
					continue
				}
				v := strings.TrimSpace(cell.String())
				for i := 0; i < span; i++ {
					col := len(row)
					if vmerge && cont && col < len(prevRow) {
						v = prevRow[col]
					}
					row = append(row, v)
				}
				if len(row) > lim.MaxColumns {
					return nil, app.Errorf(app.ETooLarge, "import.error.too_many_columns", "max", lim.MaxColumns)
				}
			case "tr":
				if depth != 1 {
					continue
				}
				if len(rows) >= lim.MaxRows {
					return nil, app.Errorf(app.ETooLarge, "import.error.too_many_rows", "max", lim.MaxRows)
				}
				rows = append(rows, row)
				prevRow = row
			case "tbl":
				depth--
				if depth == 0 {
					tb, err := table("", rows, lim)
					if err != nil {
						return nil, err
					}
					tb.Number = len(doc.Tables) + 1
					doc.Tables = append(doc.Tables, DocumentTable{Table: tb, Start: start, End: text.Len()})
				}
			}
		}
	}
	doc.Text = text.String()
	return doc, nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
