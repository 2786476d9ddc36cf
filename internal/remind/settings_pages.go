package remind

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// OrgSettings answers orgID's reminder settings (the defaults when it
// saved none), for the administration page.
func (s *Service) OrgSettings(ctx context.Context, orgID int64) (Settings, error) {
	var st Settings
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		st, err = LoadSettings(ctx, idb, orgID)
		return err
	})
	return st, err
}

// SaveOrgSettings validates and stores st (SaveSettings) at the service's
// clock.
func (s *Service) SaveOrgSettings(ctx context.Context, st Settings) (Settings, error) {
	return SaveSettings(ctx, s.DB, st, s.Clock.Now())
}

// OrgClosures answers orgID's holiday weeks (Closures) and, with
// settings set, its reminder settings, in one read.
func (s *Service) OrgClosures(ctx context.Context, orgID int64, settings *Settings) ([]Closure, error) {
	var out []Closure
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		if settings != nil {
			st, err := LoadSettings(ctx, idb, orgID)
			if err != nil {
				return err
			}
			*settings = st
		}
		var err error
		out, err = Closures(ctx, idb, orgID)
		return err
	})
	return out, err
}

// AddOrgClosure adds a holiday period (AddClosure).
func (s *Service) AddOrgClosure(ctx context.Context, c Closure) (Closure, error) {
	return AddClosure(ctx, s.DB, c)
}

// RemoveOrgClosure removes one of orgID's holiday periods (RemoveClosure).
func (s *Service) RemoveOrgClosure(ctx context.Context, orgID, id int64) error {
	return RemoveClosure(ctx, s.DB, orgID, id)
}
