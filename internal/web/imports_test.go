package web

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsNoStorage keeps the HTTP layer thin: handlers parse, call one
// service method and render, so the package itself (its non-test files)
// imports neither bun nor internal/db. Reads, scopes and transactions
// belong to the capability services.
func TestImportsNoStorage(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "github.com/uptrace/bun" || strings.HasPrefix(imp, "github.com/uptrace/bun/") ||
			strings.HasSuffix(imp, "/internal/db") || strings.Contains(imp, "/internal/db/") {
			for _, pos := range pkg.ImportPos[imp] {
				t.Errorf("%s imports %s: move the query into the capability's service", pos, imp)
			}
		}
	}
}
