// Package files is the file store every capability keeps uploads in:
// attachments and logos. The bytes are content-addressed (named by their
// SHA-256, so the same bytes are stored once) in a Blobs backend, a local
// directory in the embedded default or an S3-compatible bucket in
// production; each upload is a row of the organisation's files table
// naming them, with the type sniffed from the content and the original
// file name. Files are read only through Service.Open, which answers
// app.ENotFound for another organisation's file.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// File is one organisation's stored file.
type File struct {
	bun.BaseModel `bun:"table:files,alias:f"`
	OrgID         int64  `bun:",notnull"`
	ID            int64  `bun:",pk,autoincrement"`
	SHA256        string `bun:"sha256,notnull"` // hex, lower case: the blob's name
	Size          int64  `bun:",notnull"`
	// ContentType is what the content was sniffed as
	// (net/http.DetectContentType), never what the uploader claimed.
	ContentType string    `bun:",notnull"`
	Name        string    `bun:",notnull"` // the uploaded file's name, sanitised (SanitizeName)
	CreatedBy   *int64    // nil when unknown or the user was deleted
	CreatedAt   time.Time `bun:",notnull"`
}

// Use is what a kind of upload may be: how large, and which sniffed types.
// Each consumer declares its own (a logo, a workbook attachment …).
type Use struct {
	// Field is the form field errors are tied to ("logo").
	Field string
	// MaxSize is the largest accepted content, in bytes.
	MaxSize int64
	// Types are the accepted media types as DetectContentType names them,
	// without parameters ("image/png", "application/pdf").
	Types []string
}

// Sniff answers the media type of content from its first bytes, as
// DetectContentType does, without parameters ("text/html", not
// "text/html; charset=utf-8").
func Sniff(head []byte) string {
	t, _, err := mime.ParseMediaType(http.DetectContentType(head))
	if err != nil {
		return "application/octet-stream"
	}
	return t
}

// Check answers nil when a file of size bytes sniffed as typ fits u:
// app.ETooLarge (key files.error.too_large, argument max) when it is too
// large, app.EInvalid (files.error.type, argument types) when its type is
// not one of u.Types; both tied to u.Field.
func (u Use) Check(size int64, typ string) error {
	if size > u.MaxSize {
		return app.Errorf(app.ETooLarge, "files.error.too_large", "max", FormatSize(u.MaxSize)).WithField(u.Field)
	}
	if !slices.Contains(u.Types, typ) {
		return app.Errorf(app.EInvalid, "files.error.type", "types", typeNames(u.Types)).WithField(u.Field)
	}
	return nil
}

// typeNames writes media types as users know them: "PNG, JPEG, WebP".
func typeNames(types []string) string {
	known := map[string]string{"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
		"application/pdf": "PDF", "application/zip": "ZIP"}
	names := make([]string, 0, len(types))
	for _, t := range types {
		if n, ok := known[t]; ok {
			names = append(names, n)
		} else {
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}

// FormatSize writes a byte count as a user reads it: "20 MB", "512 kB".
func FormatSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d kB", (n+1023)>>10)
}

// maxNameBytes bounds a stored name: long enough for any real file name,
// short enough for every file system a download lands on.
const maxNameBytes = 200

// SanitizeName makes an uploaded file's name safe to store and to offer
// back in Content-Disposition: the last path element only (browsers on
// Windows send C:\…\name), no control or invisible format characters (no
// line breaks, no right-to-left overrides that disguise an extension), no
// quotes or backslashes, at most 200 bytes of whole UTF-8 characters, the
// extension kept when cut. Letters such as æøå are kept. An empty result
// is fallback.
func SanitizeName(name, fallback string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '"' || r == '\\' || r == '/':
			return '_'
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		base := name[:maxNameBytes-len(ext)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		name = base + ext
	}
	if name == "" {
		return fallback
	}
	return name
}

// SHA256 answers the name content is stored under: its SHA-256 in lower
// case hex.
func SHA256(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
