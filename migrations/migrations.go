// Package migrations holds the versioned, append-only schema migrations of
// both storage dialects, embedded into the binary. Each dialect has its own
// directory with the same version numbers; a test proves that both end with
// the same tables and columns. Never edit a migration that has been
// released: add a new one.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migrations of dialect ("postgres" or "sqlite").
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case "postgres", "sqlite":
		return fs.Sub(files, dialect)
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
}
