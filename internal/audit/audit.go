// Package audit keeps each organisation's append-only record of what
// happened: sign-ins and failures, role changes, invitations, exports,
// deletions and settings. Rows are never updated or deleted (the database
// refuses both) until their organisation is deleted.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Actions recorded.
const (
	SignIn             = "signin"
	SignInFailed       = "signin.failed"
	SignInBlocked      = "signin.blocked"
	SignOutEverywhere  = "signout.everywhere"
	MemberRoleChanged  = "member.role_changed"
	MemberRemoved      = "member.removed"
	InvitationCreated  = "invitation.created"
	InvitationAccepted = "invitation.accepted"
	InvitationRevoked  = "invitation.revoked"
	SessionRevoked     = "session.revoked"
	SettingsChanged    = "settings.changed"
	TokenCreated       = "token.created"
	TokenRevoked       = "token.revoked"
	PasswordReset      = "password.reset"
	SecondFactorOn     = "second_factor.enabled"
	SecondFactorOff    = "second_factor.disabled"
	SecondFactorFailed = "second_factor.failed"
	Export             = "export"
	Deletion           = "deletion"
	CommentHidden      = "comment.hidden"
	CommentShown       = "comment.shown"
	// An organisation's roles and units (org.Role) and who fills them.
	RoleCreated, RoleRenamed, RoleDeleted = "role.created", "role.renamed", "role.deleted"
	RoleMemberAdded, RoleMemberRemoved    = "role.member_added", "role.member_removed"
	// Workbooks: a measure's status update, a chapter imported, an
	// earlier version restored. Each answer's saves are its history.
	MeasureUpdated, ChapterImported, EntryRestored = "measure.updated", "workbook.imported", "workbook.restored"
	// Action plans: created, moved on (adopted, expired), revised into a
	// new version, imported; follow-up rounds opened and closed.
	PlanCreated, PlanStatusChanged, PlanRevised, PlanImported = "plan.created", "plan.status_changed", "plan.revised", "plan.imported"
	PlanRoundOpened, PlanRoundClosed                          = "plan.round_opened", "plan.round_closed"
	// Councils: created, changed; a meeting's agenda published, its
	// minutes approved, published and corrected; members changed.
	CouncilCreated, CouncilUpdated, CouncilMembersChanged = "council.created", "council.updated", "council.members_changed"
	AgendaPublished, MinutesApproved                      = "council.agenda_published", "council.minutes_approved"
	MinutesPublished, MinutesCorrected                    = "council.minutes_published", "council.minutes_corrected"
)

// Actions lists every action, for the filter on the audit page.
var Actions = []string{SignIn, SignInFailed, SignInBlocked, SignOutEverywhere, MemberRoleChanged, MemberRemoved,
	InvitationCreated, InvitationAccepted, InvitationRevoked, SessionRevoked, SettingsChanged, TokenCreated,
	TokenRevoked, PasswordReset, SecondFactorOn, SecondFactorOff, SecondFactorFailed, Export, Deletion,
	CommentHidden, CommentShown,
	RoleCreated, RoleRenamed, RoleDeleted, RoleMemberAdded, RoleMemberRemoved,
	MeasureUpdated, ChapterImported, EntryRestored,
	PlanCreated, PlanStatusChanged, PlanRevised, PlanImported, PlanRoundOpened, PlanRoundClosed,
	CouncilCreated, CouncilUpdated, CouncilMembersChanged, AgendaPublished, MinutesApproved, MinutesPublished, MinutesCorrected}

// Entry is one audit record.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log"`

	OrgID       int64     `bun:",notnull" json:"org_id"`
	ID          int64     `bun:",pk,autoincrement" json:"id"`
	At          time.Time `bun:",notnull" json:"at"`
	ActorUserID *int64    `json:"actor_user_id,omitempty"`
	ActorEmail  string    `bun:",notnull" json:"actor_email"`
	Action      string    `bun:",notnull" json:"action"`
	Target      string    `bun:",notnull" json:"target"`
	Detail      string    `bun:",notnull" json:"detail,omitempty"` // JSON object
	IP          string    `bun:"ip,notnull" json:"ip,omitempty"`
	RequestID   string    `bun:",notnull" json:"request_id,omitempty"`
}

// Details decodes Detail.
func (e *Entry) Details() map[string]string {
	m := map[string]string{}
	json.Unmarshal([]byte(e.Detail), &m)
	return m
}

// Meta is the request facts an entry records besides the actor.
type Meta struct{ IP, RequestID string }

type metaKey struct{}

// WithMeta attaches request facts to ctx for Record.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom answers the request facts WithMeta attached to ctx, if any.
func MetaFrom(ctx context.Context) (Meta, bool) {
	m, ok := ctx.Value(metaKey{}).(Meta)
	return m, ok
}

// Record appends an entry for orgID, taking the actor from ctx (if any)
// and the request facts from WithMeta. detail may be nil.
func Record(ctx context.Context, idb bun.IDB, orgID int64, action, target string, detail map[string]string, now time.Time) error {
	e := &Entry{OrgID: orgID, At: now, Action: action, Target: target}
	if a := app.ActorFrom(ctx); a != nil && a.UserID != 0 {
		id := a.UserID
		e.ActorUserID, e.ActorEmail = &id, a.Email
	}
	if m, ok := MetaFrom(ctx); ok {
		e.IP, e.RequestID = m.IP, m.RequestID
	}
	if len(detail) > 0 {
		b, _ := json.Marshal(detail)
		e.Detail = string(b)
	}
	_, err := idb.NewInsert().Model(e).Exec(ctx)
	return err
}

// RecordAs is Record with an explicit actor, for events before a session
// exists (sign-in, accepting an invitation).
func RecordAs(ctx context.Context, idb bun.IDB, orgID int64, actorID int64, actorEmail, action, target string, detail map[string]string, now time.Time) error {
	ctx = app.WithActor(ctx, &app.Actor{UserID: actorID, Email: actorEmail})
	return Record(ctx, idb, orgID, action, target, detail, now)
}

// Filter narrows Find.
type Filter struct {
	Action      string
	ActorEmail  string // substring, any case
	From, Until time.Time
	Limit       int
	Offset      int
}

// Find lists an organisation's entries, newest first, and the total
// matching.
func Find(ctx context.Context, idb bun.IDB, orgID int64, f Filter) ([]*Entry, int, error) {
	var out []*Entry
	q := idb.NewSelect().Model(&out).Where("org_id = ?", orgID).OrderExpr("at DESC, id DESC")
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorEmail != "" {
		q = q.Where("lower(actor_email) LIKE ?", "%"+escapeLike(f.ActorEmail)+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	n, err := q.Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	return out, int(n), err
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range []rune(s) {
		if r == '%' || r == '_' {
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}
