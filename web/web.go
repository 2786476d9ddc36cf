// Package web holds the templates, static assets and locale catalogues of
// the user interface, embedded into the binary.
package web

import (
	"embed"
	"io/fs"
	"os"
)

//go:embed templates static locales api
var embedded embed.FS

// FS returns the embedded files, or with dir set (development), the files
// on disk under dir so edits show without a rebuild.
func FS(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	return embedded
}
