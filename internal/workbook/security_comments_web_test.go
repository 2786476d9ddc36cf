package workbook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// Finding 11 of the penetration test: comments across organisations.

// stepClock is a clock a test moves while the server reads it.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// commentWorld is a network with Meldal (whose answer is commented on)
// and Osen, a peer in the same network, running with its rate limiter on
// a clock the test moves.
type commentWorld struct {
	r                  *webtest.Harness
	clock              *stepClock
	network, own, peer *org.Organisation
	tmpl, book, stmt   int64
	entry              int64
	ownPage, peerPage  string // Meldal's answer, as Meldal and as Osen see it (no host)
}

func newCommentWorld(t *testing.T) *commentWorld {
	t.Helper()
	w := &commentWorld{r: webtest.New(t, webtest.Options{}), clock: &stepClock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}}
	r := w.r
	r.Limiter.Clock = w.clock
	w.network = r.Org(org.KindNetwork)
	w.own = r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	w.peer = r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Osen kommune" })
	joined := webtest.Since2016
	r.Join(w.network, w.own, joined)
	r.Join(w.network, w.peer, joined)
	tmpl, books := workbooktest.Publish(t, r.Workbooks, w.network, "2026", "«Innvandrerreisen»")
	w.book = workbooktest.BookOf(t, books, w.own.ID).ID
	w.tmpl, w.stmt = tmpl.ID, tmpl.Chapters[0].Statements[0].ID
	e, err := r.Workbooks.SaveEntry(context.Background(), w.own, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: w.book, StatementID: w.stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Intervju er gjennomført"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.entry = e.ID
	w.ownPage = fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", w.own.Slug, w.book, w.stmt)
	w.peerPage = fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", w.peer.Slug, w.own.Slug, w.book, w.stmt)
	return w
}

// user makes a member of o with role and a signed-in client for them.
func (w *commentWorld) user(t *testing.T, o *org.Organisation, role string) (*account.User, *webtest.Client) {
	t.Helper()
	u := w.r.User(o, role)
	return u, w.r.Client(u)
}

// comments answers the stored comments on Meldal's answer, newest page.
func (w *commentWorld) comments(t *testing.T) []*workbook.Comment {
	t.Helper()
	p, err := w.r.Workbooks.Comments(context.Background(), w.own.ID, w.entry, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p.Comments
}

// TestSecurity11RateLimit: a person may write 10 comments a minute; the
// eleventh answers 429 with Retry-After and the page again with the typed
// text in the form, and is not stored; others are not held back, and a
// minute later the person may write again. A comment over the length
// limit comes back with its text too.
func TestSecurity11RateLimit(t *testing.T) {
	t.Parallel()
	w := newCommentWorld(t)
	_, flooder := w.user(t, w.peer, "member")
	_, colleague := w.user(t, w.peer, "member")
	_, editor := w.user(t, w.own, "editor")
	base := w.r.URL
	for i := 1; i <= 10; i++ {
		if code, _ := flooder.Post(base+w.peerPage+"/comments", url.Values{"body": {fmt.Sprintf("Kommentar %d", i)}}); code != 303 {
			t.Fatalf("comment %d: %d; want 303", i, code)
		}
	}
	typed := "Ellevte kommentar – «behold meg» med æøå"
	resp, body := flooder.PostResponse(base+w.peerPage+"/comments", url.Values{"body": {typed}})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("eleventh comment in a minute: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, ">"+typed+"</textarea>") || !strings.Contains(body, `id="f-body-error"`) {
		t.Error("the refused comment's page does not keep the text in the form with the reason")
	}
	if n := len(w.comments(t)); n != 10 {
		t.Errorf("%d comments stored; want 10", n)
	}
	if code, _ := colleague.Post(base+w.peerPage+"/comments", url.Values{"body": {"Fra en kollega"}}); code != 303 {
		t.Errorf("another person of the same organisation: %d; want 303", code)
	}
	// The owner's own page keeps the text the same way.
	for i := 1; i <= 10; i++ {
		editor.Post(base+w.ownPage+"/comments", url.Values{"body": {fmt.Sprintf("Svar %d", i)}})
	}
	resp, body = editor.PostResponse(base+w.ownPage+"/comments", url.Values{"body": {typed}})
	if resp.StatusCode != 429 || !strings.Contains(body, ">"+typed+"</textarea>") {
		t.Errorf("eleventh comment on the own page: %d; want 429 with the text kept", resp.StatusCode)
	}
	w.clock.add(2 * time.Minute)
	if code, _ := flooder.Post(base+w.peerPage+"/comments", url.Values{"body": {"Etter et par minutter"}}); code != 303 {
		t.Errorf("two minutes later: %d; want 303", code)
	}
	long := strings.Repeat("Langt ", workbook.MaxCommentLen/6+1) + "slutt"
	resp, body = colleague.PostResponse(base+w.peerPage+"/comments", url.Values{"body": {long}})
	if resp.StatusCode != 422 || !strings.Contains(body, long+"</textarea>") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("a too long comment: %d; want 422 with the text kept and the field marked", resp.StatusCode)
	}
	// So does the coordinator's gathering view, with the answer still chosen.
	_, coordinator := w.user(t, w.network, "coordinator")
	ref := fmt.Sprintf("%d:%d", w.own.ID, w.entry)
	gathering := fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", base, w.network.Slug, w.tmpl, w.stmt)
	resp, body = coordinator.PostResponse(gathering+"/comments", url.Values{"entry_ref": {ref}, "body": {long}})
	if resp.StatusCode != 422 || !strings.Contains(body, long+"</textarea>") || !strings.Contains(body, `value="`+ref+`" selected`) {
		t.Errorf("a too long comment in the gathering view: %d; want 422 with the text and the answer kept", resp.StatusCode)
	}
}

// TestSecurity11Paging: an answer with 300 long comments is served a page
// of the newest 50 at a time, on the owner's and on a peer's page, with
// links through older pages to the oldest; no page grows with the count.
func TestSecurity11Paging(t *testing.T) {
	t.Parallel()
	w := newCommentWorld(t)
	_, editor := w.user(t, w.own, "editor")
	_, peerMember := w.user(t, w.peer, "member")
	filler := strings.Repeat("x", 3900)
	err := db.RunTx(context.Background(), w.r.DB, db.OrgScope(w.own.ID), func(ctx context.Context, tx bun.Tx) error {
		var cs []*workbook.Comment
		for i := 1; i <= 300; i++ {
			cs = append(cs, &workbook.Comment{OrgID: w.own.ID, EntryID: w.entry, AuthorName: "Flom", AuthorOrgID: &w.peer.ID,
				Body: fmt.Sprintf("[nr-%03d] %s", i, filler), CreatedAt: time.Date(2026, 12, 1, 0, 0, i, 0, time.UTC)})
		}
		_, err := tx.NewInsert().Model(&cs).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	unpaged := 300 * len(filler)
	limit := workbook.CommentPageSize*(len(filler)+2000) + 60_000
	olderRE := regexp.MustCompile(`href="([^"]*comments_before=\d+)#comments"`)
	for name, c := range map[string]struct {
		client *webtest.Client
		page   string
	}{"owner": {editor, w.ownPage}, "peer": {peerMember, w.peerPage}} {
		t.Run(name, func(t *testing.T) {
			u := w.r.URL + c.page
			seen := map[string]bool{}
			for pageNo := 1; ; pageNo++ {
				code, body := c.client.Get(u)
				if code != 200 {
					t.Fatalf("page %d: %d", pageNo, code)
				}
				if len(body) > limit {
					t.Errorf("page %d is %d bytes with 300 comments (%d bytes of them); want at most %d", pageNo, len(body), unpaged, limit)
				}
				n := 0
				for i := 1; i <= 300; i++ {
					if tag := fmt.Sprintf("[nr-%03d]", i); strings.Contains(body, tag) {
						n++
						seen[tag] = true
					}
				}
				if pageNo == 1 && (!strings.Contains(body, "[nr-300]") || strings.Contains(body, "[nr-250]")) {
					t.Errorf("the first page does not show the newest 50 comments")
				}
				if n != workbook.CommentPageSize {
					t.Errorf("page %d shows %d comments; want %d", pageNo, n, workbook.CommentPageSize)
				}
				m := olderRE.FindStringSubmatch(body)
				if m == nil {
					break
				}
				if pageNo > 6 {
					t.Fatal("more pages than comments")
				}
				u = w.r.URL + strings.ReplaceAll(m[1], "&amp;", "&")
			}
			if len(seen) != 300 {
				t.Errorf("following the older links shows %d of 300 comments", len(seen))
			}
		})
	}
}

// TestSecurity11OwnerHides: an editor of the municipality that owns the
// answer hides a comment after a confirmation; its text is gone from the
// owner's and the peer's page and from the API and the store, everyone
// sees who hid it and when, and the owner's audit log records it. A
// member without the right, the commenting peer's editor and an outsider
// cannot hide it; the editor can show it again.
func TestSecurity11OwnerHides(t *testing.T) {
	t.Parallel()
	w := newCommentWorld(t)
	ed, editor := w.user(t, w.own, "editor")
	_, member := w.user(t, w.own, "member")
	_, peerEditor := w.user(t, w.peer, "editor")
	_, peerMember := w.user(t, w.peer, "member")
	base := w.r.URL
	nasty := "Dette er en stygg kommentar fra Osen om Meldals ansatte"
	if code, _ := peerMember.Post(base+w.peerPage+"/comments", url.Values{"body": {nasty}}); code != 303 {
		t.Fatalf("peer comment: %d", code)
	}
	cs := w.comments(t)
	if len(cs) != 1 {
		t.Fatalf("%d comments; want 1", len(cs))
	}
	hide := fmt.Sprintf("%s%s/comments/%d/hide", base, w.ownPage, cs[0].ID)
	confirm := url.Values{"hide": {"on"}, "confirm": {"yes"}}
	if code, _ := member.Post(hide, confirm); code != 403 {
		t.Errorf("a member of the owner without the right: %d; want 403", code)
	}
	if code, _ := peerEditor.Post(hide, confirm); code != 404 {
		t.Errorf("the peer's editor on the owner's route: %d; want 404", code)
	}
	peerRoute := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d/comments/%d/hide", base, w.peer.Slug, w.book, w.stmt, cs[0].ID)
	if code, _ := peerEditor.Post(peerRoute, confirm); code != 404 {
		t.Errorf("the peer's editor through its own organisation: %d; want 404", code)
	}
	if w.comments(t)[0].Hidden() {
		t.Fatal("hidden by someone without the right")
	}
	code, body := editor.Post(hide, url.Values{"hide": {"on"}})
	if code != 200 || !strings.Contains(body, nasty) || !strings.Contains(body, `name="confirm" value="yes"`) {
		t.Fatalf("hiding without confirmation: %d; want the confirmation page", code)
	}
	if w.comments(t)[0].Hidden() {
		t.Fatal("hidden before the confirmation")
	}
	if code, _ := editor.Post(hide, confirm); code != 303 {
		t.Fatalf("the owner's editor hiding: %d; want 303", code)
	}
	for who, page := range map[string]struct {
		c *webtest.Client
		u string
	}{"owner": {editor, base + w.ownPage}, "peer": {peerMember, base + w.peerPage}} {
		_, body := page.c.Get(page.u)
		if strings.Contains(body, nasty) || !strings.Contains(body, "skjult av Meldal kommune") {
			t.Errorf("%s's page after hiding: the text is served, or who hid it is not shown", who)
		}
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d", base, w.own.Slug, w.book), nil)
	resp, err := editor.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(b), nasty) {
		t.Errorf("API after hiding: %d, text served: %v", resp.StatusCode, strings.Contains(string(b), nasty))
	}
	if c := w.comments(t)[0]; !c.Hidden() || c.Body != "" {
		t.Errorf("the store answers a hidden comment with its text (%q) or not hidden", c.Body)
	}
	var entries []*audit.Entry
	db.Run(context.Background(), w.r.DB, db.OrgScope(w.own.ID), func(ctx context.Context, idb bun.IDB) error {
		entries, _, err = audit.Find(ctx, idb, w.own.ID, audit.Filter{Action: audit.CommentHidden})
		return err
	})
	if len(entries) != 1 || entries[0].ActorEmail != ed.Email {
		t.Errorf("audit log of the owner: %+v; want one comment.hidden by the editor", entries)
	}
	if code, _ := editor.Post(hide, url.Values{"hide": {"off"}}); code != 303 {
		t.Fatalf("showing again: %d", code)
	}
	if _, body := peerMember.Get(base + w.peerPage); !strings.Contains(body, nasty) {
		t.Error("a comment shown again is not on the peer's page")
	}
}

// TestSecurity11AuthorOrgShown: a display name cannot pass for another
// organisation's user: every comment shows the author's organisation as
// stored, next to the name the author chose.
func TestSecurity11AuthorOrgShown(t *testing.T) {
	t.Parallel()
	w := newCommentWorld(t)
	impostor, ic := w.user(t, w.peer, "member")
	_, editor := w.user(t, w.own, "editor")
	err := db.Run(context.Background(), w.r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Table("users").Set("name = ?", "Rådmann, Meldal kommune").Where("id = ?", impostor.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	base := w.r.URL
	if code, _ := ic.Post(base+w.peerPage+"/comments", url.Values{"body": {"Slett kapittel 2, hilsen rådmannen"}}); code != 303 {
		t.Fatalf("comment: %d", code)
	}
	if code, _ := editor.Post(base+w.ownPage+"/comments", url.Values{"body": {"Hvem er dette?"}}); code != 303 {
		t.Fatalf("own comment: %d", code)
	}
	for who, page := range map[string]struct {
		c *webtest.Client
		u string
	}{"owner": {editor, base + w.ownPage}, "peer": {ic, base + w.peerPage}} {
		_, body := page.c.Get(page.u)
		if !regexp.MustCompile(`Rådmann, Meldal kommune</span> · <strong class="comment-org">fra Osen kommune</strong>`).MatchString(body) {
			t.Errorf("%s's page does not show the impostor's organisation next to the name", who)
		}
		if !regexp.MustCompile(`Åse Øren</span> · <strong class="comment-org">fra Meldal kommune</strong>`).MatchString(body) {
			t.Errorf("%s's page does not show the owner's member's organisation", who)
		}
	}
}

// TestSecurity11MentionsNoEcho: a commenter from another organisation is
// told "comment added" whether the addresses mentioned are members of the
// answer's municipality or not, and never which ones; the member still
// gets the mail. A member of the municipality itself is still told.
func TestSecurity11MentionsNoEcho(t *testing.T) {
	t.Parallel()
	w := newCommentWorld(t)
	colleague, _ := w.user(t, w.own, "contributor")
	_, editor := w.user(t, w.own, "editor")
	_, prober := w.user(t, w.peer, "member")
	base := w.r.URL
	flash := func(c *webtest.Client, page, body string) string {
		t.Helper()
		if code, _ := c.Post(base+page+"/comments", url.Values{"body": {body}}); code != 303 {
			t.Fatalf("comment: %d", code)
		}
		_, html := c.Get(base + page)
		m := regexp.MustCompile(`<div class="flash" role="status">([^<]*)</div>`).FindStringSubmatch(html)
		if m == nil {
			t.Fatal("no message after commenting")
		}
		return m[1]
	}
	member := flash(prober, w.peerPage, "@"+colleague.Email+" hva med NAV?")
	stranger := flash(prober, w.peerPage, "@ingen-"+colleague.Email+" hva med NAV?")
	if member != stranger || strings.Contains(member, "@") {
		t.Errorf("a peer mentioning a member is told %q, mentioning a stranger %q; want the same, naming nobody", member, stranger)
	}
	if m := w.r.MailTo(colleague.Email); !strings.Contains(m.Text, "hva med NAV?") {
		t.Errorf("mention mail: %q", m.Text)
	}
	if own := flash(editor, w.ownPage, "@"+colleague.Email+" se her"); !strings.Contains(own, colleague.Email) {
		t.Errorf("a member of the municipality mentioning a colleague is told %q; want the colleague named", own)
	}
}
