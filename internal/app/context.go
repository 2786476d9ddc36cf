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
