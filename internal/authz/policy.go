// Package authz decides who may do what, with casbin: RBAC with domains,
// the domain being the organisation. Role templates (which role may do
// what) are policy rows in the database; role assignments are the
// memberships. One enforcer per process loads both and reloads when they
// change, in this process at once and in others on a PostgreSQL
// notification.
//
// A decision also requires the role the request carries, read fresh from
// the database for every request, to equal the role casbin knows: a stale
// enforcer can therefore only deny, never keep a revoked grant alive.
package authz

import "slices"

// Perm is something to be allowed: an object and an action.
type Perm struct{ Obj, Act string }

func (p Perm) String() string { return p.Obj + ":" + p.Act }

// Permissions checked by routes and services.
var (
	OrgRead        = Perm{"org", "read"}        // see the organisation and its dashboard
	OrgManage      = Perm{"org", "manage"}      // settings, single sign-on, logo
	OrgDelete      = Perm{"org", "delete"}      // delete the organisation
	BillingManage  = Perm{"billing", "manage"}  // subscription
	MembersRead    = Perm{"members", "read"}    // list members and invitations
	MembersManage  = Perm{"members", "manage"}  // invite, change roles, remove
	SessionsManage = Perm{"sessions", "manage"} // see and end members' sessions
	AuditRead      = Perm{"audit", "read"}      // the audit log
	TokensManage   = Perm{"tokens", "manage"}   // API tokens
	ContentRead    = Perm{"content", "read"}    // workbooks, plans, councils, indicators
	ContentWrite   = Perm{"content", "write"}   // create and edit them
	StatusWrite    = Perm{"status", "write"}    // update status and progress where responsible
	CouncilWrite   = Perm{"council", "write"}   // meetings, agendas, minutes, decisions
	CommentWrite   = Perm{"comment", "write"}   // comment
	// CommentModerate hides comments on the organisation's own answers.
	CommentModerate = Perm{"comment", "moderate"}
)

// Reach says whether a rule applies in the role's own organisation or,
// for coordinators, in the member municipalities of their network.
const (
	ReachOwn     = "own"
	ReachNetwork = "network"
)

// Rule is one role template row: role may act on obj in reach.
type Rule struct{ Role, Obj, Act, Reach string }

func own(role string, perms ...Perm) []Rule {
	out := make([]Rule, len(perms))
	for i, p := range perms {
		out[i] = Rule{role, p.Obj, p.Act, ReachOwn}
	}
	return out
}

// DefaultPolicy is the role table of the README. It is written to the
// database at start-up; the database is what the enforcer reads.
var DefaultPolicy = slices.Concat(
	[]Rule{{"owner", "*", "*", ReachOwn}},
	own("admin", OrgRead, OrgManage, MembersRead, MembersManage, SessionsManage, AuditRead, TokensManage, ContentRead, CommentWrite),
	own("editor", OrgRead, ContentRead, ContentWrite, StatusWrite, CouncilWrite, CommentWrite),
	own("contributor", OrgRead, ContentRead, StatusWrite, CommentWrite),
	own("secretary", OrgRead, ContentRead, StatusWrite, CouncilWrite, CommentWrite),
	own("member", OrgRead, ContentRead, CommentWrite),
	own("viewer", OrgRead, ContentRead),
	own("coordinator", OrgRead, MembersRead, ContentRead, ContentWrite, CommentWrite),
	own("admin", CommentModerate), own("editor", CommentModerate),
	// A coordinator reads what member municipalities share with the network.
	[]Rule{{"coordinator", OrgRead.Obj, OrgRead.Act, ReachNetwork}, {"coordinator", ContentRead.Obj, ContentRead.Act, ReachNetwork}},
)

const modelText = `
[request_definition]
r = sub, role, dom, obj, act, reach

[policy_definition]
p = sub, obj, act, reach

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.role == p.sub && g(r.sub, p.sub, r.dom) && r.reach == p.reach && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)
`
