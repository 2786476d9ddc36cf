package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Service stores uploads and reads them back for their organisation only.
type Service struct {
	DB    *bun.DB
	Blobs Blobs
	Clock app.Clock
	// TempDir holds an upload while it is hashed and checked; "" is the
	// system's temporary directory.
	TempDir string
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock.Now()
}

// Upload checks r's content against u and stores its bytes, once however
// often they are uploaded. It answers the file as a row would describe it,
// by the actor in ctx, without organisation or id: Insert it in the
// transaction that uses it, or call Create. Errors: u.Check's
// (app.ETooLarge, app.EInvalid), app.EInvalid files.error.empty for no
// content. A blob stored for a transaction that then fails is harmless:
// another upload of the same bytes reuses it.
func (s *Service) Upload(ctx context.Context, name string, r io.Reader, u Use) (*File, error) {
	tmp, err := os.CreateTemp(s.TempDir, "samvirke-upload-*")
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	// One byte past the limit tells too large from exactly the limit,
	// without reading (or spooling) more of an oversized upload.
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, u.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("files: reading upload: %w", err)
	}
	if n == 0 {
		return nil, app.Errorf(app.EInvalid, "files.error.empty").WithField(u.Field)
	}
	if n > u.MaxSize {
		return nil, u.Check(n, "")
	}
	head := make([]byte, 512)
	m, err := tmp.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("files: %w", err)
	}
	typ := Sniff(head[:m])
	if err := u.Check(n, typ); err != nil {
		return nil, err
	}
	f := &File{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, ContentType: typ,
		Name: SanitizeName(name, "file"), CreatedAt: s.now()}
	if a := app.ActorFrom(ctx); a != nil && a.UserID != 0 {
		by := a.UserID
		f.CreatedBy = &by
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if err := s.Blobs.Put(ctx, f.SHA256, tmp, n); err != nil {
		return nil, err
	}
	return f, nil
}

// Create uploads r (Upload) and records it as a file of organisation
// orgID in one transaction of its own.
func (s *Service) Create(ctx context.Context, orgID int64, name string, r io.Reader, u Use) (*File, error) {
	f, err := s.Upload(ctx, name, r, u)
	if err != nil {
		return nil, err
	}
	f.OrgID = orgID
	err = db.RunTx(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		return Insert(ctx, tx, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Open answers file id of organisation orgID and its content, which the
// caller closes. Another organisation's file, or one that does not exist,
// is app.ENotFound: nobody learns which ids exist. The caller has decided
// that the actor may read orgID's files (the route's permission).
func (s *Service) Open(ctx context.Context, orgID, id int64) (*File, io.ReadCloser, error) {
	var f *File
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		f, err = Find(ctx, idb, orgID, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Blobs.Open(ctx, f.SHA256)
	if err != nil {
		// A row without its bytes is a fault of the store, not the user's.
		return nil, nil, fmt.Errorf("files: file %d of organisation %d: %w", id, orgID, err)
	}
	return f, rc, nil
}
