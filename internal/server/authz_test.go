package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Who may use an organisation route, by role, in the role's own
// organisation. Written out here rather than derived from the policy, so a
// policy change that widens access fails this test until it is meant.
var (
	everyone = []string{"owner", "admin", "editor", "contributor", "secretary", "member", "viewer", "coordinator"}
	admins   = []string{"owner", "admin"}
	editors  = []string{"owner", "editor", "coordinator"}
	// commenters may comment on answers they can read.
	commenters = []string{"owner", "admin", "editor", "contributor", "secretary", "member", "coordinator"}
	// statusWriters update status and progress where responsible.
	statusWriters = []string{"owner", "editor", "contributor", "secretary"}
	membersRdr    = []string{"owner", "admin", "coordinator"}
	// moderators hide comments on their own municipality's answers.
	moderators = []string{"owner", "admin", "editor"}
)

// expectation says how a route answers.
type expectation struct {
	// anon is the status for a visitor who is not signed in (a protected
	// page redirects to sign-in with 303; a protected form post answers 401
	// with a page that says to sign in; the API answers 401).
	anon int
	// signedIn is the status for any signed-in user (User routes).
	signedIn int
	// roles may use an Org route in their own organisation.
	roles []string
	// form is the body of a POST.
	form url.Values
	// kind, when set, is the only kind of organisation the route serves;
	// elsewhere even a permitted role gets 404.
	kind string
	// endsSession marks a route that ends the session it is called in
	// (signing out): each of its requests gets a fresh session of its own,
	// where every other route shares one session per role.
	endsSession bool
	// query is the query string of a GET.
	query string
	// json is the body of an API POST.
	json string
	// alone marks a route that changes what other routes' requests rely
	// on (the member they act on): it runs before the others, which run
	// in parallel.
	alone bool
}

// routeTable is the one table the walk checks, merged from each
// capability's rows (routeRows… in authz_routes_<capability>_test.go). A
// route defined in two capabilities' rows fails the test.
func routeTable(t *testing.T) map[string]expectation {
	t.Helper()
	table := map[string]expectation{}
	for _, rows := range []map[string]expectation{
		routeRowsCore(),
		routeRowsWorkbook(),
		routeRowsPlan(),
		routeRowsPlanCopy(),
		routeRowsPlanPublic(),
		routeRowsPlanIO(),
		routeRowsPlanRound(),
		routeRowsCouncil(),
		routeRowsCouncilMeeting(),
		routeRowsCouncilDocument(),
		routeRowsCouncilPublic(),
		routeRowsCouncilAPI(),
		routeRowsIndicator(),
		routeRowsIndicatorAPI(),
		routeRowsIndicatorBenchmark(),
		routeRowsIndicatorPages(),
		routeRowsOps(),
		routeRowsCalendar(),
		routeRowsRemindPages(),
		routeRowsBilling(),
		routeRowsSurvey(),
		routeRowsSurveyAPI(),
	} {
		for key, exp := range rows {
			if _, dup := table[key]; dup {
				t.Fatalf("route %s has rows in two capabilities' route tables", key)
			}
			table[key] = exp
		}
	}
	return table
}

// formOf is a form body from key, value pairs.
func formOf(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// tenant is one organisation of the test world with the resources its
// routes name.
type tenant struct {
	org        *org.Organisation
	victim     *account.User // the member that member routes act on
	invitation int64
	token      int64
	workbook   int64  // a workbook of a municipality
	template   int64  // a template of a network
	statement  int64  // a statement of either
	chapter    int64  // a chapter of the template
	entry      int64  // the municipality's answer
	comment    int64  // a comment on it
	gathering  int64  // a gathering of the network
	measure    string // a measure of the answer
	goal       string // a goal of the answer
}

type world struct {
	// plans are the plan fixtures reading routes share, by organisation
	// and path (see planOf).
	plansMu sync.Mutex
	plans   map[string]map[string]string
	// councils is the walked program's council service, with its file
	// store, for council attachments (councilMeetingFile).
	councils *council.Service
	base     string
	db       *bun.DB
	own      *tenant // a municipality
	other    *tenant // an unrelated municipality
	peer     *tenant // a municipality in the same network as own
	network  *tenant
	// users are role → client with one session, member of own
	// (coordinator: of network); fresh are the same roles' clients that
	// sign in afresh for every request, for routes that end the session.
	users, fresh map[string]*http.Client
	// outsider is signed in and a member of nothing, likewise.
	outsider, freshOutsider *http.Client
	writes                  *writeLog
	// readOnly makes any write a request sends to the database fail the
	// test (a lapsed organisation's walk).
	readOnly bool
}

// TestAuthorizationTable walks every registered route for every role
// against its own organisation, another municipality, a network peer, and
// as a signed-in non-member: own-organisation access follows the role
// table, everything across tenants answers 404.
//
// It also checks that a route that reads (Route.Writes false: every GET
// but those that declare otherwise) sends no write to the database.
//
// The subtests run in parallel, each role with one session, except the
// routes marked alone, which run first, one at a time.
func TestAuthorizationTable(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	p := servertest.Open(t, e.Config(), server.ModeWeb)
	writes := watchWrites(p.DB)
	r := p.Run(t)
	w := buildWorld(t, r)
	w.writes = writes
	table := routeTable(t)
	seen := map[string]bool{}
	for _, rt := range r.Web.Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		exp, ok := table[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorization table: add one", key)
			continue
		}
		t.Run(strings.ReplaceAll(key, "/", "_"), func(t *testing.T) {
			if !exp.alone {
				t.Parallel()
			}
			if exp.anon != 0 {
				if got := w.do(t, client(t), rt, w.own, exp); got != exp.anon {
					t.Errorf("anonymous: %d; want %d", got, exp.anon)
				}
			}
			switch rt.Access {
			case web.User, web.Account, web.Operator:
				for role, c := range w.clients(exp) {
					if got := w.do(t, c, rt, w.own, exp); got != exp.signedIn {
						t.Errorf("%s: %d; want %d", role, got, exp.signedIn)
					}
				}
			case web.Org:
				w.checkOrgRoute(t, rt, exp)
			}
		})
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("authorization table names %s, which is not registered", key)
		}
	}
}

// clients answers the role → client map for exp's route.
func (w *world) clients(exp expectation) map[string]*http.Client {
	if exp.endsSession {
		return w.fresh
	}
	return w.users
}

func (w *world) checkOrgRoute(t *testing.T, rt web.Route, exp expectation) {
	t.Helper()
	for role, c := range w.clients(exp) {
		home := w.own
		if role == "coordinator" {
			home = w.network
		}
		got := w.do(t, c, rt, home, exp)
		allowed := slices.Contains(exp.roles, role)
		switch {
		case allowed && exp.kind != "" && exp.kind != home.org.Kind:
			if got != 404 {
				t.Errorf("%s in own %s, which the route does not serve: %d; want 404", role, home.org.Kind, got)
			}
		case allowed && (got == 403 || got == 404 || got >= 500):
			t.Errorf("%s in own organisation: %d; want access", role, got)
		case !allowed && got != 403:
			t.Errorf("%s in own organisation: %d; want 403", role, got)
		}
		for name, other := range map[string]*tenant{"another municipality": w.other, "network peer": w.peer, "own organisation's network": w.network} {
			if other == home {
				continue
			}
			if role == "coordinator" && other == w.own {
				continue
			}
			if got := w.do(t, c, rt, other, exp); got != 404 {
				t.Errorf("%s in %s: %d; want 404", role, name, got)
			}
		}
	}
	outsider := w.outsider
	if exp.endsSession {
		outsider = w.freshOutsider
	}
	if got := w.do(t, outsider, rt, w.own, exp); got != 404 {
		t.Errorf("signed-in non-member: %d; want 404", got)
	}
}

// rawPlaceholder is a catalogue placeholder left in a page.
var rawPlaceholder = regexp.MustCompile(`\{[a-z][a-z_]*\}`)

// do makes the request for rt against tenant tn and answers the status.
// A route that reads fails the test if the request sent a write to the
// database.
func (w *world) do(t *testing.T, c *http.Client, rt web.Route, tn *tenant, exp expectation) int {
	t.Helper()
	resp, _ := w.send(t, c, rt, tn, exp)
	return resp.StatusCode
}

// send makes the request for rt against tenant tn and answers the
// response and its body.
func (w *world) send(t *testing.T, c *http.Client, rt web.Route, tn *tenant, exp expectation) (*http.Response, string) {
	t.Helper()
	// Member routes act on tn's victim; restore it each time, since a
	// permitted removal takes it away.
	dbtest.MustAddMember(t, w.db, tn.org, tn.victim, victimRole(tn.org))
	path := rt.Path
	repl := map[string]string{
		":org": tn.org.Slug, ":user": strconv.FormatInt(tn.victim.ID, 10),
		":id": strconv.FormatInt(tn.invitation, 10), ":token": "not-a-real-token", "*path": "nope.css",
		":workbook": strconv.FormatInt(tn.workbook, 10), ":template": strconv.FormatInt(tn.template, 10),
		":statement": strconv.FormatInt(tn.statement, 10), ":format": "xlsx", ":chapter": strconv.FormatInt(tn.chapter, 10),
		":comment": strconv.FormatInt(tn.comment, 10), ":gathering": strconv.FormatInt(tn.gathering, 10),
		":measure": orNone(tn.measure), ":goal": orNone(tn.goal),
		":queue": "default", ":task": "no-such-task", ":invoice": "999999999",
	}
	if strings.Contains(path, ":member") { // a member's workbook, read by its network tn
		repl[":member"], repl[":workbook"] = w.own.org.Slug, strconv.FormatInt(w.own.workbook, 10)
	}
	if strings.Contains(path, ":peer") { // a network peer's answer, read from tn
		repl[":peer"], repl[":workbook"] = w.peer.org.Slug, strconv.FormatInt(w.peer.workbook, 10)
		repl[":measure"] = orNone(w.peer.measure) // the peer's shared measure, not tn's
	}
	if strings.Contains(path, ":role") { // a role of tn's own, for this request alone
		repl[":role"] = strconv.FormatInt(mustCreateRole(t, w.db, tn.org), 10)
	}
	if strings.Contains(path, ":plan") { // a plan of tn's own (and an open round of it, authz_routes_plan_round_test.go)
		for k, v := range w.planOf(t, rt, tn) {
			repl[k] = v
		}
	}
	if strings.Contains(path, ":council") { // a council of tn's own with a meeting, an item and more (authz_routes_council_test.go)
		for k, v := range w.councilOf(t, rt, tn) {
			repl[k] = v
		}
	}
	if strings.Contains(path, ":code") || strings.Contains(path, ":period") || strings.Contains(path, ":group") { // an indicator of the national catalogue (authz_routes_indicator_test.go)
		for k, v := range indicatorParams(t, w.db, tn.org, rt.Path) {
			repl[k] = v
		}
	}
	if strings.Contains(path, ":notification") || strings.Contains(path, ":absence") || strings.Contains(path, ":closure") { // authz_routes_remind_pages_test.go
		for k, v := range remindParams(t, w, c, tn, path) {
			repl[k] = v
		}
	}
	if strings.Contains(path, "/surveys/") { // a questionnaire and a round of tn's own (authz_routes_survey_test.go)
		for k, v := range surveyParams(t, w.db, tn, path) {
			repl[k] = v
		}
	}
	if strings.Contains(path, "/tokens/") {
		repl[":id"] = strconv.FormatInt(tn.token, 10)
	}
	if strings.Contains(path, ":session") {
		var sid string
		err := db.Run(context.Background(), w.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			// The victim's session works in tn.org: only there may it be ended.
			_, s, err := account.CreateSession(ctx, idb, tn.victim.ID, &tn.org.ID, "127.0.0.1", "test", time.Now().UTC())
			if err == nil {
				sid = s.PublicID()
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		repl[":session"] = sid
	}
	for k, v := range repl {
		path = strings.Replace(path, k, v, 1)
	}
	var req *http.Request
	if rt.Method == "PUT" {
		req, _ = http.NewRequest("PUT", w.base+path, strings.NewReader(`{"version":1,"content":{"answers":{"analysis":"Fra API-et: «innvandrerreisen»"}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	} else if rt.Method == "POST" && exp.json != "" {
		req, _ = http.NewRequest("POST", w.base+path, strings.NewReader(exp.json))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	} else if rt.Method == "POST" {
		body := url.Values{}
		for k, vs := range exp.form {
			for _, v := range vs {
				switch v { // placeholders for the world's real ids
				case ":ownorg":
					v = strconv.FormatInt(w.own.org.ID, 10)
				case ":ownentry":
					v = strconv.FormatInt(w.own.entry, 10)
				case ":victim":
					v = strconv.FormatInt(tn.victim.ID, 10)
				case ":ownquestionnaire":
					v = repl[":ownquestionnaire"]
				}
				body.Add(k, v)
			}
		}
		if body.Has("email") && strings.HasPrefix(body.Get("email"), "ny@") {
			body = url.Values{"email": {fmt.Sprintf("ny-%d@example.org", time.Now().UnixNano())}, "role": {"viewer"}}
		}
		req, _ = http.NewRequest("POST", w.base+path, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	} else {
		if exp.query != "" {
			path += "?" + exp.query
		}
		req, _ = http.NewRequest(rt.Method, w.base+path, nil)
	}
	rid := w.writes.newID()
	req.Header.Set("X-Request-ID", rid)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if m := rawPlaceholder.FindString(string(body)); m != "" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s %s shows the untranslated placeholder %s: a catalogue text is used where its arguments are not given", rt.Method, path, m)
	}
	if stmts := w.writes.take(rid); !rt.Writes && len(stmts) > 0 {
		t.Errorf("%s %s reads (Route.Writes is false) but sent %d writes to the database (answer %d), first: %s",
			rt.Method, path, len(stmts), resp.StatusCode, stmts[0])
	} else if w.readOnly && len(stmts) > 0 {
		t.Errorf("%s %s in a read-only organisation sent %d writes to the database (answer %d), first: %s",
			rt.Method, path, len(stmts), resp.StatusCode, stmts[0])
	}
	if rt.Writes && resp.StatusCode < 400 && (strings.Contains(rt.Path, ":plan") || strings.Contains(rt.Path, ":council")) {
		w.forgetPlan(rt, tn) // a permitted write may have deleted or revised it
	}
	return resp, string(body)
}

// writeLog records, by request id, the writes (INSERT, UPDATE, DELETE)
// the program sends to the database while it serves a request of the
// walk, but for those notRouteWrite matches.
type writeLog struct {
	seq    atomic.Int64
	prefix string
	mu     sync.Mutex
	stmts  map[string][]string
}

// watchWrites adds a writeLog to bdb; call it before the program runs.
func watchWrites(bdb *bun.DB) *writeLog {
	l := &writeLog{prefix: fmt.Sprintf("walk%d-", time.Now().UnixNano()), stmts: map[string][]string{}}
	bdb.AddQueryHook(l)
	return l
}

// notRouteWrite matches the writes that are not the route's own: the
// updates of a session that any request may make (its last activity, at
// most once a minute, and the organisation it works in) and the audit
// log's record of a read (an export).
var notRouteWrite = regexp.MustCompile(`^(UPDATE "sessions" AS "session" SET "(last_seen_at|current_org_id)" = [^,]* WHERE \("session"\."id" = [^)]*\)|INSERT INTO "audit_log" .*)$`)

func (l *writeLog) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	m, ok := audit.MetaFrom(ctx)
	if !ok || !strings.HasPrefix(m.RequestID, l.prefix) {
		return ctx
	}
	switch strings.ToUpper(e.Operation()) {
	case "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE":
	default:
		return ctx
	}
	if notRouteWrite.MatchString(e.Query) {
		return ctx
	}
	l.mu.Lock()
	l.stmts[m.RequestID] = append(l.stmts[m.RequestID], e.Query)
	l.mu.Unlock()
	return ctx
}

func (*writeLog) AfterQuery(context.Context, *bun.QueryEvent) {}

// newID answers a request id the log recognises.
func (l *writeLog) newID() string { return l.prefix + strconv.FormatInt(l.seq.Add(1), 10) }

// take answers and forgets the writes of request id.
func (l *writeLog) take(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stmts[id]
	delete(l.stmts, id)
	return s
}

// victimRole is the role of the member that member routes act on.
func victimRole(o *org.Organisation) string {
	if o.Kind == org.KindNetwork {
		return "coordinator"
	}
	return "viewer"
}

// newSession signs u in by creating a session directly (the password
// path is tested elsewhere), working in home if that is set, and answers
// its token.
func newSession(t *testing.T, bdb *bun.DB, u *account.User, home *org.Organisation) string {
	t.Helper()
	var orgID *int64
	if home != nil {
		orgID = &home.ID
	}
	var token string
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		token, _, err = account.CreateSession(ctx, idb, u.ID, orgID, "127.0.0.1", "authz-test", time.Now().UTC())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// sessionClient signs u in by creating a session directly (the password
// path is tested elsewhere) and answers a client carrying its cookie.
func sessionClient(t *testing.T, bdb *bun.DB, base string, u *account.User) *http.Client {
	t.Helper()
	c := client(t)
	bu, _ := url.Parse(base)
	c.Jar.SetCookies(bu, []*http.Cookie{{Name: "samvirke_session", Value: newSession(t, bdb, u, nil), Path: "/"}})
	return c
}

// sessionTransport is a transport that sends one session's cookie with every
// request and keeps no cookie it is sent, so requests made in parallel
// share the session and none disturbs the others.
type sessionTransport struct{ token string }

func (s sessionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.AddCookie(&http.Cookie{Name: "samvirke_session", Value: s.token})
	return http.DefaultTransport.RoundTrip(req)
}

// renewing is a transport that signs a new user in for every request, for
// routes that end the session (sign out, sign out everywhere): ending
// that user's sessions, even all of them, disturbs no other request, also
// not one of these routes running at the same time.
type renewing struct {
	t    *testing.T
	db   *bun.DB
	role string
	home *org.Organisation
}

func (r renewing) RoundTrip(req *http.Request) (*http.Response, error) {
	u, _ := dbtest.MustCreateUser(r.t, r.db, r.home, r.role)
	return sessionTransport{newSession(r.t, r.db, u, r.home)}.RoundTrip(req)
}

// walkClient answers a client over transport rt that follows no
// redirect.
func walkClient(rt http.RoundTripper) *http.Client {
	return &http.Client{Transport: rt, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func buildWorld(t *testing.T, r *servertest.Process) *world {
	t.Helper()
	ctx := context.Background()
	bdb := r.DB
	w := &world{base: r.URL(), db: bdb, users: map[string]*http.Client{}, fresh: map[string]*http.Client{},
		councils: r.Councils}
	mk := func(kind string) *tenant {
		o := dbtest.MustCreateOrg(t, bdb, kind)
		victim, _ := dbtest.MustCreateUser(t, bdb, o, victimRole(o))
		inv, err := r.Accounts.Invite(ctx, o, fmt.Sprintf("invitert-%d@example.org", o.ID), victimRole(o))
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := r.Accounts.CreateAPIToken(ctx, o, victim.ID, "Fagsystem", "read")
		if err != nil {
			t.Fatal(err)
		}
		// A logo, so that the logo route's "no logo" 404 cannot pass for
		// a tenant 404.
		png := []byte("\x89PNG\r\n\x1a\n")
		err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewUpdate().Table("organisations").Set("logo = ?", png).Set("logo_type = 'image/png'").Where("id = ?", o.ID).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return &tenant{org: o, victim: victim, invitation: inv.ID, token: tok.ID}
	}
	w.own, w.other, w.peer, w.network = mk(org.KindMunicipality), mk(org.KindMunicipality), mk(org.KindMunicipality), mk(org.KindNetwork)
	joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	dbtest.MustJoinNetwork(t, bdb, w.network.org, w.own.org, joined, time.Time{})
	dbtest.MustJoinNetwork(t, bdb, w.network.org, w.peer.org, joined, time.Time{})
	// A published workbook template, a workbook for each member, and an
	// answer in each.
	tmpl, err := r.Workbooks.CreateTemplate(ctx, w.network.org, workbook.TemplateSpec{Name: "Arbeidsboka",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2", Statements: []workbook.StatementSpec{{Title: "«Innvandrerreisen»"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	books, err := r.Workbooks.PublishTemplate(ctx, w.network.org, tmpl.ID, "2026")
	if err != nil {
		t.Fatal(err)
	}
	w.network.template, w.network.statement, w.network.chapter = tmpl.ID, tmpl.Chapters[0].Statements[0].ID, tmpl.Chapters[0].ID
	g := &workbook.Gathering{Title: "Tredje samling", StartsOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), ChapterIDs: []int64{tmpl.Chapters[0].ID}}
	if err := r.Workbooks.CreateGathering(ctx, w.network.org, g); err != nil {
		t.Fatal(err)
	}
	w.network.gathering = g.ID
	for _, b := range books {
		for _, tn := range []*tenant{w.own, w.peer} {
			if tn.org.ID == b.OrgID {
				tn.workbook, tn.statement, tn.chapter, tn.template = b.ID, w.network.statement, w.network.chapter, w.network.template
				e, err := r.Workbooks.SaveEntry(ctx, tn.org, &app.Actor{Name: "Import"}, workbook.Save{WorkbookID: b.ID, StatementID: tn.statement,
					Content: workbook.Content{Answers: map[string]string{"analysis": "Første versjon"},
						Goals:    []workbook.Goal{{Statement: "Flere i arbeid etter introduksjonsprogrammet", Status: measure.StatusOngoing}},
						Measures: []workbook.Measure{{Description: "Språkkafé på biblioteket", Status: measure.StatusNotStarted}}}})
				if err != nil {
					t.Fatal(err)
				}
				// A second version, so that the first can be restored.
				sv := workbook.Save{WorkbookID: b.ID, StatementID: tn.statement, BaseVersion: e.Version, Content: e.Content}
				sv.Content.Answers = map[string]string{"analysis": "Andre versjon"}
				if e, err = r.Workbooks.SaveEntry(ctx, tn.org, &app.Actor{Name: "Import"}, sv); err != nil {
					t.Fatal(err)
				}
				tn.entry, tn.measure, tn.goal = e.ID, e.Content.Measures[0].ID, e.Content.Goals[0].ID
				cm, _, err := r.Workbooks.AddComment(ctx, tn.org.ID, e.ID, &app.Actor{Name: "Import"}, 0, "Godt kartlagt", "")
				if err != nil {
					t.Fatal(err)
				}
				tn.comment = cm.ID
			}
		}
	}
	for _, role := range everyone {
		home := w.own.org
		if role == "coordinator" {
			home = w.network.org
		}
		u, _ := dbtest.MustCreateUser(t, bdb, home, role)
		w.users[role] = walkClient(sessionTransport{newSession(t, bdb, u, home)})
		w.fresh[role] = walkClient(renewing{t, bdb, role, home})
	}
	if err := r.Authz.Reload(); err != nil { // memberships made behind the service's back
		t.Fatal(err)
	}
	outsider, _ := dbtest.MustCreateUser(t, bdb, nil, "")
	w.outsider = walkClient(sessionTransport{newSession(t, bdb, outsider, nil)})
	w.freshOutsider = walkClient(renewing{t, bdb, "", nil})
	return w
}

// orNone is id, or a well-formed id of nothing for a tenant without one
// (a network has no measures of its own).
func orNone(id string) string {
	if id == "" {
		return "nonexistent0000a"
	}
	return id
}

// planOf answers the path parameters of a plan fixture of tn for a request
// of rt: a plan of its own (planFixture) and, when the path names one, an
// open round of it (roundFixture). A route's requests share one fixture per
// organisation and path until a write succeeds (send forgets it then, as a
// deletion or revision changes it for the next request).
func (w *world) planOf(t *testing.T, rt web.Route, tn *tenant) map[string]string {
	t.Helper()
	owner := tn.org
	if strings.Contains(rt.Path, ":peer") { // a plan the network peer shares with tn
		owner = w.peer.org
	}
	newFixture := func() map[string]string {
		m := map[string]string{}
		m[":plan"], m[":area"], m[":item"] = planFixture(t, w.db, owner, rt.Path)
		if strings.Contains(rt.Path, ":round") {
			m[":round"], m[":measure"] = roundFixture(t, w.db, tn.org, m[":plan"], m[":item"])
		}
		return m
	}
	return w.fixtureOf(rt, tn, newFixture)
}

// councilOf answers the path parameters of a council fixture of tn for a
// request of rt (councilFixture), shared like planOf's.
func (w *world) councilOf(t *testing.T, rt web.Route, tn *tenant) map[string]string {
	t.Helper()
	return w.fixtureOf(rt, tn, func() map[string]string { return councilFixture(t, w.db, w.councils, tn.org, rt.Path) })
}

// fixtureOf answers the fixture of rt in tn, made by newFixture on the
// first request and kept until forgetPlan.
func (w *world) fixtureOf(rt web.Route, tn *tenant, newFixture func() map[string]string) map[string]string {
	key := fixtureKey(rt, tn)
	w.plansMu.Lock()
	defer w.plansMu.Unlock()
	if m, ok := w.plans[key]; ok {
		return m
	}
	if w.plans == nil {
		w.plans = map[string]map[string]string{}
	}
	m := newFixture()
	w.plans[key] = m
	return m
}

func planKey(rt web.Route, tn *tenant) string {
	return fmt.Sprint(tn.org.ID, " ", rt.Method, " ", rt.Path)
}

// forgetPlan drops the plan fixture of rt in tn: the next request gets a
// new one.
func (w *world) forgetPlan(rt web.Route, tn *tenant) {
	w.plansMu.Lock()
	defer w.plansMu.Unlock()
	delete(w.plans, fixtureKey(rt, tn))
}

// fixtureKey is the key of rt's fixture in tn: one per route, but the
// council routes that read share one fixture per kind of path (public or
// not, naming a file or not), as nothing they do changes it.
func fixtureKey(rt web.Route, tn *tenant) string {
	if !rt.Writes && strings.Contains(rt.Path, ":council") {
		return fmt.Sprint(tn.org.ID, " council reads ", strings.HasPrefix(rt.Path, "/p/"), " ", strings.Contains(rt.Path, ":file"))
	}
	return planKey(rt, tn)
}
