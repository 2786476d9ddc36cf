package files

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// Insert writes f as a row of f.OrgID's files and sets f.ID. The blob
// must be stored already (Service.Upload).
func Insert(ctx context.Context, idb bun.IDB, f *File) error {
	_, err := idb.NewInsert().Model(f).Exec(ctx)
	return db.Err(err, "error.not_found.text")
}

// Find answers file id of organisation orgID, or app.ENotFound, also when
// id is another organisation's file.
func Find(ctx context.Context, idb bun.IDB, orgID, id int64) (*File, error) {
	f := new(File)
	err := idb.NewSelect().Model(f).Where("f.org_id = ? AND f.id = ?", orgID, id).Scan(ctx)
	if err != nil {
		return nil, db.Err(err, "error.not_found.text")
	}
	return f, nil
}
