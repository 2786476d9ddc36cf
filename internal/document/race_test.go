package document

import (
	"bytes"
	"sync"
	"testing"
)

// TestConcurrentPDFs: PDFs made at the same time (two visitors asking
// for minutes) share no font bytes; run with -race.
func TestConcurrentPDFs(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := (&Document{Title: "Referat", Locale: "da"}).Add(&Heading{Level: 1, Text: "Referat Integrationsrådet"},
				&Paragraph{Text: "Fraværende i Integrationsrådet – 27. juni 2018: Mushin Jetto, Ann Frederiksen"})
			if err := d.WritePDF(&bytes.Buffer{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
