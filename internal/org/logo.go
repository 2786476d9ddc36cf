package org

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/files"
)

// MaxLogo is the largest logo accepted, in bytes.
const MaxLogo = 512 << 10

// LogoUse is what a logo may be: a PNG, JPEG, GIF or WebP image of at most
// MaxLogo bytes, as its content shows. SVG is refused: it is a document
// that may carry scripts and links, which would run on our origin for
// anyone who opens the logo's address, and DetectContentType cannot tell
// a harmless drawing from one with a script. Every municipality's coat
// of arms exists as PNG, which every page and PDF shows as it is.
var LogoUse = files.Use{Field: "logo", MaxSize: MaxLogo, Types: []string{"image/png", "image/jpeg", "image/gif", "image/webp"}}

func (s *Service) uploadLogo(ctx context.Context, logo []byte) (*files.File, error) {
	if logo == nil {
		return nil, nil
	}
	if s.Files == nil {
		return nil, errors.New("org: no file store to keep the logo in")
	}
	ext := "." + strings.TrimPrefix(files.Sniff(logo), "image/")
	return s.Files.Upload(ctx, "logo"+ext, bytes.NewReader(logo), LogoUse)
}

// Logo answers o's logo and its content, which the caller closes, or
// app.ENotFound when it has none. Logos saved before the file store
// existed are still read from the organisation's row until replaced: that
// needs no step at upgrade that would have to reach the file store.
func (s *Service) Logo(ctx context.Context, o *Organisation) (*files.File, io.ReadCloser, error) {
	var row struct {
		LogoFileID *int64
		LogoType   string
		Logo       []byte
	}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("organisations").Column("logo_file_id", "logo_type", "logo").Where("id = ?", o.ID).Scan(ctx, &row)
	})
	if err != nil {
		return nil, nil, db.Err(err, "error.not_found.text")
	}
	switch {
	case row.LogoFileID != nil:
		if s.Files == nil {
			return nil, nil, errors.New("org: no file store to read the logo from")
		}
		return s.Files.Open(ctx, o.ID, *row.LogoFileID)
	case len(row.Logo) > 0:
		f := &files.File{OrgID: o.ID, SHA256: files.SHA256(row.Logo), Size: int64(len(row.Logo)), ContentType: row.LogoType, Name: "logo"}
		return f, io.NopCloser(bytes.NewReader(row.Logo)), nil
	}
	return nil, nil, app.Errorf(app.ENotFound, "error.not_found.text")
}
