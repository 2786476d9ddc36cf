package remind

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Modes are the choices a person has for each kind, in the order the
// preferences page offers them.
var Modes = []string{ModeImmediate, ModeDaily, ModeWeekly, ModeOff}

// ModesFor answers the choices for kind: the summaries (KindDigest)
// is itself a digest, so it is sent or not; every other kind has Modes.
func ModesFor(kind string) []string {
	if kind == KindDigest {
		return []string{ModeImmediate, ModeOff}
	}
	return Modes
}

// Prefs answers userID's choice for every kind of Kinds; a kind without a
// stored choice is ModeImmediate.
func (s *Service) Prefs(ctx context.Context, userID int64) (map[string]string, error) {
	var rows []struct{ Kind, Mode string }
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT kind, mode FROM notification_prefs WHERE user_id = ?", userID).Scan(ctx, &rows)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(Kinds))
	for _, k := range Kinds {
		out[k] = ModeImmediate
	}
	for _, r := range rows {
		if _, ok := out[r.Kind]; ok {
			out[r.Kind] = r.Mode
		}
	}
	return out, nil
}

// SavePrefs stores userID's choices: a mode of Modes for kinds of Kinds.
// An unknown kind or mode is refused (app.EInvalid, the kind as field)
// and nothing is stored.
func (s *Service) SavePrefs(ctx context.Context, userID int64, prefs map[string]string) error {
	for _, k := range Kinds {
		m, ok := prefs[k]
		if ok && !slices.Contains(ModesFor(k), m) {
			return app.Errorf(app.EInvalid, "error.invalid").WithField("kind_" + k)
		}
	}
	for k := range prefs {
		if !slices.Contains(Kinds, k) {
			return app.Errorf(app.EInvalid, "error.invalid").WithField("kind_" + k)
		}
	}
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		for _, k := range Kinds {
			m, ok := prefs[k]
			if !ok {
				continue
			}
			if _, err := tx.NewRaw(`INSERT INTO notification_prefs (user_id, kind, mode) VALUES (?, ?, ?)
				ON CONFLICT (user_id, kind) DO UPDATE SET mode = EXCLUDED.mode`, userID, k, m).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
