package files_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/files"
)

func TestServe(t *testing.T) {
	t.Parallel()
	content := pngBytes("served")
	f := &files.File{SHA256: files.SHA256(content), Size: int64(len(content)), ContentType: "image/png", Name: "Tromsø «logo».png"}
	t.Run("OK", func(t *testing.T) {
		w := httptest.NewRecorder()
		files.Serve(w, httptest.NewRequest("GET", "/f", nil), f, strings.NewReader(string(content)))
		h := w.Result().Header
		for k, want := range map[string]string{
			"Content-Type":            "image/png",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "private, max-age=300",
			"ETag":                    `"` + f.SHA256 + `"`,
			"Content-Disposition":     `inline; filename="Troms_ _logo_.png"; filename*=UTF-8''Troms%C3%B8%20%C2%ABlogo%C2%BB.png`,
			"Content-Security-Policy": "default-src 'none'; sandbox",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %q; want %q", k, got, want)
			}
		}
		if w.Code != http.StatusOK || w.Body.String() != string(content) {
			t.Errorf("%d %q", w.Code, w.Body.String())
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/f", nil)
		r.Header.Set("If-None-Match", `"other", "`+f.SHA256+`"`)
		files.Serve(w, r, f, strings.NewReader(string(content)))
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("a cached copy with the same ETag: %d with %d bytes; want 304 and none", w.Code, w.Body.Len())
		}
	})
	t.Run("AttachmentForOtherTypes", func(t *testing.T) {
		w := httptest.NewRecorder()
		pdf := *f
		pdf.ContentType, pdf.Name = "application/pdf", "Årsrapport 2026.pdf"
		files.Serve(w, httptest.NewRequest("GET", "/f", nil), &pdf, strings.NewReader("%PDF-1.4"))
		if got, want := w.Result().Header.Get("Content-Disposition"), `attachment; filename="_rsrapport 2026.pdf"; filename*=UTF-8''%C3%85rsrapport%202026.pdf`; got != want {
			t.Errorf("Content-Disposition %q; want %q", got, want)
		}
	})
}

func TestSanitizeName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ø", 150) + ".docx"
	for in, want := range map[string]string{
		"Ålesund kommune.png":            "Ålesund kommune.png",
		`C:\Users\kari\Desktop\plan.pdf`: "plan.pdf",
		"../../etc/passwd":               "passwd",
		"rapport\r\nSet-Cookie: x.pdf":   "rapportSet-Cookie: x.pdf",
		"evil\u202egnp.exe":              "evilgnp.exe",
		`say "hi".txt`:                   "say _hi_.txt",
		"  ..  ":                         "file",
		"":                               "file",
		long:                             strings.Repeat("ø", 97) + ".docx",
	} {
		if got := files.SanitizeName(in, "file"); got != want {
			t.Errorf("SanitizeName(%q) = %q; want %q", in, got, want)
		}
	}
}
