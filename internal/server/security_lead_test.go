package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// bearer sends every request with an API token.
type bearer struct{ token string }

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(req)
}

func tokenClient(token string) *http.Client {
	return &http.Client{Transport: bearer{token}, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send makes one request with a form body (POST, PUT) or none.
func send(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if method != "GET" {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if method != "GET" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSecurity04BodyLimits: a body over a route's limit answers 413 before
// anything parses it, whether its length is declared or not, and leaves
// no temporary file behind; an upload within the limit leaves none either.
// (Parsing forms never spools to disk now, so any multipart file that
// appears in the temporary directory while this test runs is a leak.)
func TestSecurity04BodyLimits(t *testing.T) {
	t.Parallel()
	tmp := os.TempDir()
	before := filesIn(t, tmp)
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	base := r.URL()

	// 40 MB in one file part: beyond gin's 32 MB in-memory budget, so an
	// unlimited parse would spool it to disk.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("email", "a@example.org")
	mw.WriteField("password", "x")
	fw, _ := mw.CreateFormFile("file", "big.bin")
	fw.Write(bytes.Repeat([]byte("æøå"), 40<<20/6))
	mw.Close()
	body := buf.Bytes()

	for _, chunked := range []bool{false, true} {
		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // no length known: sent chunked
		}
		req, _ := http.NewRequest("POST", base+"/signin", rd)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := client(t).Do(req)
		if err != nil {
			// The server may close the connection while the client still
			// writes; that is a refusal too, but then no status to check.
			t.Logf("chunked=%v: %v", chunked, err)
		} else {
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("40 MB to /signin (chunked=%v): %d; want 413", chunked, resp.StatusCode)
			}
		}
	}
	if left := newFiles(before, filesIn(t, tmp)); len(left) > 0 {
		t.Errorf("temporary files left after refused uploads: %v", left)
	}

	// Within the limit: a multipart form to a route that takes uploads.
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	c := sessionClient(t, r.DB, base, admin)
	// A new buffer: the refused requests' transports may still be reading
	// the old one.
	var logoBody bytes.Buffer
	mw = multipart.NewWriter(&logoBody)
	mw.WriteField("name", o.Name)
	mw.WriteField("locale", "nb")
	mw.WriteField("time_zone", "Europe/Oslo")
	fw, _ = mw.CreateFormFile("logo", "logo.png")
	fw.Write(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 300<<10)...))
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/o/"+o.Slug+"/admin/settings", &logoBody)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 || resp.StatusCode == 413 {
		t.Errorf("a 300 KB logo: %d", resp.StatusCode)
	}
	if left := newFiles(before, filesIn(t, tmp)); len(left) > 0 {
		t.Errorf("temporary files left after an accepted upload: %v", left)
	}
}

func newFiles(before, after []string) []string {
	var out []string
	for _, f := range after {
		if !slices.Contains(before, f) {
			out = append(out, f)
		}
	}
	return out
}

func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "multipart-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestSecurity04EveryRouteHasABodyLimit walks every route: each declares
// its limit, and one byte more answers 413 to a visitor who is not even
// signed in, before authentication or parsing.
func TestSecurity04EveryRouteHasABodyLimit(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	base := r.URL()
	for _, rt := range r.Web.Routes() {
		if rt.Method == "GET" {
			continue
		}
		if rt.MaxBody <= 0 || rt.MaxBody > web.MaxAttachmentBody {
			t.Errorf("%s %s: body limit %d; want one between 1 byte and %d", rt.Method, rt.Path, rt.MaxBody, web.MaxAttachmentBody)
			continue
		}
		path := strings.NewReplacer(":org", "nowhere", ":token", "x").Replace(rt.Path)
		body := "a=" + strings.Repeat("b", int(rt.MaxBody)-1)
		req, _ := http.NewRequest(rt.Method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := client(t).Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", rt.Method, rt.Path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s with %d bytes: %d; want 413", rt.Method, rt.Path, len(body), resp.StatusCode)
		}
	}
	// The default is small: sign-in takes no more than a form needs.
	if code, page := send(t, client(t), "POST", base+"/signin", url.Values{"email": {"a@example.org"}, "password": {strings.Repeat("x", int(web.DefaultMaxBody))}}); code != 413 || !strings.Contains(page, "64 KB") {
		t.Errorf("sign-in with a 64 KB password: %d; want 413 naming the limit", code)
	}
}

// TestSecurity04APIBodyOverLimit: an API save whose JSON body grows past
// the route's limit without declaring its length (chunked) answers 413
// problem details, and nothing is saved.
func TestSecurity04APIBodyOverLimit(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, r.DB, network, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	editor, _ := dbtest.MustCreateUser(t, r.DB, muni, "editor")
	r.Authz.Reload()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	write, _, err := r.Accounts.CreateAPIToken(context.Background(), muni, editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	r.Run(t)
	u := fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d/statements/%d", r.URL(), muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	big := `{"version":0,"content":{"answers":{"analysis":"` + strings.Repeat("æ", int(web.MaxEntryBody)) + `"}}}`
	req, _ := http.NewRequest("PUT", u, io.MultiReader(strings.NewReader(big))) // length unknown: chunked
	req.Header.Set("Content-Type", "application/json")
	resp, err := tokenClient(write).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"code":"too_large"`) {
		t.Errorf("chunked %d bytes: %d %.200s; want 413 problem details", len(big), resp.StatusCode, b)
	}
	if code, body := send(t, tokenClient(write), "GET", fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d", r.URL(), muni.Slug, books[0].ID), nil); code != 200 || strings.Contains(body, "ææææ") {
		t.Errorf("after the refused save: %d, saved text present %v", code, strings.Contains(body, "ææææ"))
	}
}
