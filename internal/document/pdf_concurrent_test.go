package document

import (
	"bytes"
	"sync"
	"testing"
)

// TestWritePDFConcurrent: two people exporting a PDF at the same moment
// (or two demo loaders making attachments) get whole documents, and the
// race detector finds nothing shared between them: gofpdf pads the font
// tables it is given in place, so each document has fonts of its own.
func TestWritePDFConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	out := make([][]byte, 8)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &Document{Title: "Bilag", Locale: "da"}
			d.Add(&Heading{Level: 1, Text: "Retningslinjer for §18-midler"}, &Paragraph{Text: "Ældre-/Seniorrådet, Mødelokale A – «demo»", Style: Muted})
			var buf bytes.Buffer
			if err := d.WritePDF(&buf); err != nil {
				t.Error(err)
			}
			out[i] = buf.Bytes()
		}()
	}
	wg.Wait()
	for i, b := range out {
		if !bytes.HasPrefix(b, []byte("%PDF")) || !bytes.Contains(b, []byte("%%EOF")) {
			t.Errorf("document %d: %d bytes, not a whole PDF", i, len(b))
		}
	}
}
