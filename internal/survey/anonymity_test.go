package survey_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/webtest"
)

// dump answers every table of the database as text, by table name, read
// as system work (on PostgreSQL past no row-level security).
func (f *fixture) dump(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	q := "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	if dbtest.Dialect() == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
	}
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var tables []string
		if err := idb.NewRaw(q).Scan(ctx, &tables); err != nil {
			return err
		}
		for _, name := range tables {
			rows, err := idb.QueryContext(ctx, `SELECT * FROM "`+name+`"`)
			if err != nil {
				return fmt.Errorf("dump %s: %w", name, err)
			}
			cols, err := rows.Columns()
			if err != nil {
				rows.Close()
				return err
			}
			var b strings.Builder
			vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				for i, v := range vals {
					if bs, ok := v.([]byte); ok {
						v = string(bs)
					}
					fmt.Fprintf(&b, "%s=%v\t", cols[i], v)
				}
				b.WriteByte('\n')
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
			out[name] = b.String()
		}
		return nil
	}))
	return out
}

// columns answers table's columns in order.
func (f *fixture) columns(t *testing.T, table string) []string {
	t.Helper()
	q := "SELECT name FROM pragma_table_info(?) ORDER BY cid"
	if dbtest.Dialect() == db.Postgres {
		q = "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
	}
	var out []string
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(q, table).Scan(ctx, &out)
	}))
	return out
}

// auditRows counts o's audit events.
func (f *fixture) auditRows(t *testing.T, orgID int64) int {
	t.Helper()
	var n int
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT count(*) FROM audit_log WHERE org_id = ?", orgID).Scan(ctx, &n)
	}))
	return n
}

// TestResponsesAnonymous (acceptance 4): after answers through the
// respondent's pages (the real engine, served on 127.0.0.1), nothing in
// the database holds a token, and nothing of the survey a client
// address; a response is its random id, scores and texts, with no time;
// no audit event is written for it; on PostgreSQL the link is claimed and
// the response written in different transactions.
func TestResponsesAnonymous(t *testing.T) {
	t.Parallel()
	clock := &app.FixedClock{T: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	h := webtest.New(t, webtest.Options{Clock: clock})
	f := &fixture{ctx: context.Background(), bdb: h.DB, clock: clock, svc: h.Surveys, ind: h.Indicators, plans: h.Plans}
	if !strings.HasPrefix(h.URL, "http://127.0.0.1:") {
		t.Fatalf("the harness serves on %s", h.URL)
	}
	o, _ := f.municipality(t)
	q := f.questionnaire(t, o, nil)
	r := f.round(t, o, q, 2026)
	const n = 8
	tokens := f.links(t, o, r, n)
	audited := f.auditRows(t, o.ID)
	respondent := h.Anonymous()
	for i, tok := range tokens {
		if code, _ := respondent.Get("/r/" + tok); code != http.StatusOK {
			t.Fatalf("opening link %d: status %d", i, code)
		}
		code, body := respondent.Post("/r/"+tok, url.Values{"lang": {"nb"}, "consent": {"1"},
			"q_job": {itoa(i%5 + 1)}, "q_wish": {fmt.Sprintf("svar nummer %02d", i)}})
		if code != http.StatusOK {
			t.Fatalf("answering through link %d: status %d\n%s", i, code, body)
		}
	}
	if code, _ := respondent.Post("/r/"+tokens[0], url.Values{"lang": {"nb"}, "consent": {"1"}, "q_job": {"5"}}); code != http.StatusGone {
		t.Errorf("answering through a used link: status %d, want %d", code, http.StatusGone)
	}
	if res, err := f.svc.Results(f.ctx, o, r.ID); err != nil || res.Rose.Respondents != n {
		t.Fatalf("results after %d answers: %v, %+v", n, err, res)
	}
	if got := f.auditRows(t, o.ID); got != audited {
		t.Errorf("%d audit events written for %d responses, want none", got-audited, n)
	}

	dump := f.dump(t)
	if len(dump) < 10 {
		t.Fatalf("the dump has %d tables", len(dump))
	}
	for table, text := range dump {
		for _, tok := range tokens {
			if strings.Contains(text, tok) {
				t.Errorf("table %s holds a raw token", table)
			}
		}
		if strings.Contains(text, "127.0.0.1") {
			if strings.HasPrefix(table, "survey_") {
				t.Errorf("table %s holds a client address", table)
			} else {
				t.Logf("table %s holds 127.0.0.1", table)
			}
		}
	}
	// The dump did read what was stored.
	for _, tok := range tokens {
		if !strings.Contains(dump["survey_links"], survey.HashToken(tok)) {
			t.Errorf("survey_links lacks a token's hash")
		}
	}
	if got := strings.Count(dump["survey_responses"], "svar nummer "); got != n {
		t.Errorf("survey_responses holds %d of the %d free texts", got, n)
	}

	if cols, want := f.columns(t, "survey_responses"), []string{"org_id", "round_id", "id", "scores", "texts"}; !slices.Equal(cols, want) {
		t.Errorf("survey_responses columns %v, want %v", cols, want)
	}

	// Response ids are random: distinct base32 of 26 characters, in no
	// relation to the order they were written in (a time-ordered id, a
	// ULID, shares its first characters and sorts by time).
	var rows []struct {
		ID    string `bun:"id"`
		Texts string `bun:"texts"`
	}
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT id, texts FROM survey_responses WHERE org_id = ? AND round_id = ?", o.ID, r.ID).Scan(ctx, &rows)
	}))
	if len(rows) != n {
		t.Fatalf("%d responses stored, want %d", len(rows), n)
	}
	ids := make([]string, n) // by submission
	for _, row := range rows {
		var texts map[string]string
		noErr(t, json.Unmarshal([]byte(row.Texts), &texts))
		var i int
		if _, err := fmt.Sscanf(texts["wish"], "svar nummer %d", &i); err != nil || i < 0 || i >= n || ids[i] != "" {
			t.Fatalf("response %s texts %q", row.ID, row.Texts)
		}
		ids[i] = row.ID
		if len(row.ID) != 26 || strings.Trim(row.ID, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Errorf("response id %q is not 26 characters of base32", row.ID)
		}
	}
	if slices.IsSorted(ids) {
		t.Errorf("response ids sort in the order they were written: %v", ids)
	}
	prefix := ids[0]
	for _, id := range ids[1:] {
		for !strings.HasPrefix(id, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if len(prefix) >= 4 {
		t.Errorf("response ids share the prefix %q: %v", prefix, ids)
	}

	if dbtest.Dialect() != db.Postgres {
		return
	}
	// After a submission every used link and every response of the round
	// carry one transaction id: none pairs a link with its response.
	for _, tok := range f.links(t, o, r, 3) {
		noErr(t, f.svc.Submit(f.ctx, tok, survey.Answers{Consent: true, Values: map[string]string{"wish": "xmin-svar"}}))
	}
	var xmins []string
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT xmin::text FROM survey_links WHERE org_id = ? AND round_id = ? AND used UNION SELECT xmin::text FROM survey_responses WHERE org_id = ? AND round_id = ?",
			o.ID, r.ID, o.ID, r.ID).Scan(ctx, &xmins)
	}))
	if len(xmins) != 1 {
		t.Errorf("the round's used links and responses carry transaction ids %v; want one for all", xmins)
	}
}
