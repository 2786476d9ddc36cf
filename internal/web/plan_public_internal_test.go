package web

import (
	"fmt"
	"testing"
)

// TestPublicPDFCacheBounded: the public PDFs kept in memory are at most
// maxPublicPDFs, the oldest made leaving first, so asking for many plans'
// PDFs cannot grow the process without bound.
func TestPublicPDFCacheBounded(t *testing.T) {
	var c pdfCache
	for i := range maxPublicPDFs + 5 {
		c.put(fmt.Sprint("plan-", i), []byte{byte(i)})
	}
	if len(c.byKey) != maxPublicPDFs || len(c.order) != maxPublicPDFs {
		t.Fatalf("the cache holds %d PDFs (%d in order); want %d", len(c.byKey), len(c.order), maxPublicPDFs)
	}
	if _, ok := c.get("plan-0"); ok {
		t.Error("the oldest PDF is still kept")
	}
	if b, ok := c.get(fmt.Sprint("plan-", maxPublicPDFs+4)); !ok || b[0] != byte(maxPublicPDFs+4) {
		t.Error("the newest PDF is not kept")
	}
}
