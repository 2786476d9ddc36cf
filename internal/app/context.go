package app

import "context"

// Actor is who is acting in a request: the signed-in user, the organisation
// they work in and their role there, and the locale chosen for them.
type Actor struct {
	UserID    int64
	Email     string
	Name      string
	SessionID string // hash of the session token; "" for API tokens
	OrgID     int64  // 0 before an organisation is chosen
	OrgSlug   string
	OrgKind   string
	Role      string
	Locale    string
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, or nil for anonymous requests.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// AuthorID answers the acting user's id for a nullable author column: nil
// without an actor or a user (a system task).
func (a *Actor) AuthorID() *int64 {
	if a == nil || a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// AuthorName answers the acting user's name, "" without an actor.
func (a *Actor) AuthorName() string {
	if a == nil {
		return ""
	}
	return a.Name
}

// User answers the acting user's id, 0 without an actor.
func (a *Actor) User() int64 {
	if a == nil {
		return 0
	}
	return a.UserID
}
