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

type turnKey struct{}

// WithTurn returns ctx carrying leave, which gives back the turn to compute
// that the request ctx belongs to holds (the web server's admission: a few
// requests compute at once, the others wait).
func WithTurn(ctx context.Context, leave func()) context.Context {
	return context.WithValue(ctx, turnKey{}, leave)
}

// LeaveTurn gives back the request's turn to compute, if it holds one: call
// it before waiting for something bounded of its own (a turn to hash a
// password), so that the wait keeps no other request from computing. The
// request goes on without a turn; calling it again does nothing.
func LeaveTurn(ctx context.Context) {
	if leave, ok := ctx.Value(turnKey{}).(func()); ok {
		leave()
	}
}
