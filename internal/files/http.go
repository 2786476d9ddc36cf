package files

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// inlineTypes are shown in the browser; everything else is downloaded.
// They are raster images, which run no script. SVG is never accepted by
// any Use (see the org package's logo): it may carry scripts.
var inlineTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// Serve writes f with its content body as the response to r:
// Content-Type is the sniffed type and X-Content-Type-Options: nosniff
// keeps browsers to it; a sandboxing Content-Security-Policy stops anything
// active in it even when opened directly; Content-Disposition names the
// file (inline for raster images, attachment otherwise); the response is
// private to the user's browser, and its ETag is the content's SHA-256,
// so an unchanged file is answered 304 Not Modified without its bytes.
func Serve(w http.ResponseWriter, r *http.Request, f *File, body io.Reader) {
	h := w.Header()
	etag := `"` + f.SHA256 + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", ContentDisposition(disposition(f.ContentType), f.Name))
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.Copy(w, body)
	}
}

func disposition(typ string) string {
	if slices.Contains(inlineTypes, typ) {
		return "inline"
	}
	return "attachment"
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// ContentDisposition answers the header value for name (SanitizeName'd):
// an ASCII filename for old clients, non-ASCII letters as "_", and the
// exact UTF-8 name as RFC 5987's filename*, which browsers prefer:
//
//	attachment; filename="_rsrapport.pdf"; filename*=UTF-8''%C3%85rsrapport.pdf
func ContentDisposition(kind, name string) string {
	name = SanitizeName(name, "file")
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	const attrChar = "!#$&+-.^_`|~"
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte(attrChar, b) >= 0) {
			ext.WriteByte(b)
		} else {
			ext.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(b)|0x100, 16)[1:]))
		}
	}
	return kind + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}
