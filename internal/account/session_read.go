package account

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// sessionRow is one row of FindSignedIn: the session with its user and one
// membership the session opens, with its organisation (nil when the user
// has none).
type sessionRow struct {
	Session    `bun:",extend"`
	Membership *Membership `bun:"rel:belongs-to,join:user_id=user_id"`
}

// FindSignedIn answers the live session for token with its user and the
// memberships it opens (a single sign-on session: its organisation's only),
// by organisation name, in one statement that needs no transaction: on
// PostgreSQL the memberships come through samvirke_session_memberships,
// which may read them for this session alone (run it with db.RunBare).
// Errors: app.EUnauthenticated when the session does not exist, has
// expired, has been idle too long, or its user is gone or disabled.
func FindSignedIn(ctx context.Context, idb bun.IDB, token string, now time.Time) (*SignedIn, error) {
	join := `LEFT JOIN memberships AS membership ON membership.user_id = session.user_id
		AND (session.restrict_org_id IS NULL OR membership.org_id = session.restrict_org_id)`
	// The bell's figure of each membership, on the partial index of
	// unread notifications: the page would otherwise ask for it in a
	// statement of its own.
	unread := `(SELECT count(*) FROM notifications AS n WHERE n.org_id = membership.org_id AND n.user_id = session.user_id AND n.read_at IS NULL)`
	if idb.Dialect().Name() == dialect.PG {
		join = `LEFT JOIN LATERAL samvirke_session_memberships(session.id) AS membership ON TRUE`
		unread = `samvirke_unread_notifications(membership.org_id, session.user_id)`
	}
	// On every request: planned once a connection on PostgreSQL.
	ctx, args := db.Bind(ctx, idb, HashToken(token))
	var rows []*sessionRow
	err := idb.NewSelect().Model(&rows).Relation("User").
		ColumnExpr("?TableColumns").
		ColumnExpr(prefixedColumns(idb, (*Membership)(nil), "membership")).
		ColumnExpr(`CASE WHEN membership.org_id IS NULL THEN NULL ELSE `+unread+` END AS "membership__unread"`).
		ColumnExpr(prefixedColumns(idb, (*org.Organisation)(nil), "membership__org")).
		Join(join).
		Join(`LEFT JOIN organisations AS membership__org ON membership__org.id = membership.org_id`).
		Where("session.id = ?", args[0]).
		OrderExpr("membership__org.name, membership__org.id").Scan(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, app.Errorf(app.EUnauthenticated, "auth.error.session_expired")
	}
	s := rows[0].Session
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= IdleTimeout || s.User == nil || s.User.ID == 0 || s.User.DisabledAt != nil {
		return nil, app.Errorf(app.EUnauthenticated, "auth.error.session_expired")
	}
	out := &SignedIn{User: s.User, Session: &s}
	s.User = nil
	for _, r := range rows {
		if m := r.Membership; m != nil && m.OrgID != 0 {
			out.Memberships = append(out.Memberships, m)
		}
	}
	return out, nil
}

// prefixedColumns answers model's stored columns as read from the table
// under alias, each named alias__column so that bun scans them into the
// relation of that name. Columns only read on demand (scanonly) are left
// out.
func prefixedColumns(idb bun.IDB, model any, alias string) string {
	t := idb.Dialect().Tables().Get(reflect.TypeOf(model).Elem())
	cols := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		if f.Tag.HasOption("scanonly") {
			continue
		}
		cols = append(cols, alias+"."+f.Name+` AS "`+alias+"__"+f.Name+`"`)
	}
	return strings.Join(cols, ", ")
}
