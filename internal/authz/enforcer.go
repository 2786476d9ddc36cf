package authz

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// channel is the PostgreSQL notification channel for policy changes.
const channel = "samvirke_authz"

// Enforcer answers authorization questions. Safe for concurrent use.
type Enforcer struct {
	// reload serialises Reload: a reload reads the database and then
	// swaps the policy in, so two at once could let the one that read
	// first swap in last, undoing a change the other had read.
	reload sync.Mutex
	e      *casbin.SyncedEnforcer
	links  *roleLinks
	db     *bun.DB
	log    *slog.Logger
}

// New writes DefaultPolicy to the database and loads the enforcer.
func New(ctx context.Context, bdb *bun.DB, log *slog.Logger) (*Enforcer, error) {
	if err := SyncPolicy(ctx, bdb, DefaultPolicy); err != nil {
		return nil, fmt.Errorf("authz: sync policy: %w", err)
	}
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, err
	}
	// The role manager is set before the first load, so that casbin's
	// own is never built (see roleLinks).
	e, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("authz: %w", err)
	}
	links := newRoleLinks()
	e.SetRoleManager(links)
	e.SetAdapter(adapter{bdb})
	e.EnableAutoSave(false)
	out := &Enforcer{e: e, links: links, db: bdb, log: log}
	if err := out.load(ctx); err != nil {
		return nil, fmt.Errorf("authz: %w", err)
	}
	return out, nil
}

// load reads the memberships into the role manager, then the policy.
// Setting the role manager again once the new memberships are in place
// makes casbin forget the answers it remembers of role links (its
// matcher's memo), so none given before survives, whether or not the
// policy's load succeeds.
func (e *Enforcer) load(ctx context.Context) error {
	members, err := readMembers(ctx, e.db, e.links.count())
	if err != nil {
		return err
	}
	e.links.setMembers(members)
	e.e.SetRoleManager(e.links)
	return e.e.LoadPolicy()
}

// Allowed reports whether the user, holding role in the organisation (as
// the database says now), may do p there.
func (e *Enforcer) Allowed(userID int64, role string, orgID int64, p Perm) bool {
	return e.enforce(userID, role, orgID, p, ReachOwn)
}

// AllowedVia reports whether the user, holding role in the network or
// county parentID, may do p in one of its member municipalities. The
// caller must have established that the municipality is a current member
// of parentID.
func (e *Enforcer) AllowedVia(userID int64, role string, parentID int64, p Perm) bool {
	return e.enforce(userID, role, parentID, p, ReachNetwork)
}

func (e *Enforcer) enforce(userID int64, role string, dom int64, p Perm, reach string) bool {
	if role == "" || dom == 0 {
		return false
	}
	ok, err := e.e.Enforce(userSub(userID), role, orgDom(dom), p.Obj, p.Act, reach)
	if err != nil {
		e.log.Error("authz: enforce", "err", err)
		return false
	}
	return ok
}

// Reload reads policy and memberships again. Call it after changing
// memberships; other processes hear of it through Notify.
func (e *Enforcer) Reload() error {
	e.reload.Lock()
	defer e.reload.Unlock()
	return e.load(context.Background())
}

// Notify tells every process to reload. Inside a transaction on
// PostgreSQL the notification is delivered when it commits; elsewhere it
// does nothing (SQLite serves one process).
func Notify(ctx context.Context, idb bun.IDB) error {
	if idb.Dialect().Name() != dialect.PG {
		return nil
	}
	_, err := idb.ExecContext(ctx, "SELECT pg_notify(?, '')", channel)
	return err
}

// Watch reloads the enforcer whenever another process notifies a change
// (PostgreSQL LISTEN on dsn) and in any case every interval, until ctx
// ends. On SQLite only the interval applies.
func (e *Enforcer) Watch(ctx context.Context, dsn string, interval time.Duration) {
	if e.db.Dialect().Name() == dialect.PG {
		go e.listen(ctx, dsn)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.Reload(); err != nil {
				e.log.Warn("authz: periodic reload", "err", err)
			}
		}
	}
}

func (e *Enforcer) listen(ctx context.Context, dsn string) {
	for ctx.Err() == nil {
		if err := e.listenOnce(ctx, dsn); err != nil && ctx.Err() == nil {
			e.log.Warn("authz: listen for policy changes", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
}

func (e *Enforcer) listenOnce(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	// Changes made while not listening are picked up now.
	if err := e.Reload(); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := e.Reload(); err != nil {
			e.log.Warn("authz: reload", "err", err)
		}
	}
}
