package survey_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/survey"
)

// linkHashes answers the token hashes stored for o's round, read as
// system work.
func (f *fixture) linkHashes(t *testing.T, orgID, roundID int64) []string {
	t.Helper()
	var out []string
	noErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT token_hash FROM survey_links WHERE org_id = ? AND round_id = ? ORDER BY token_hash", orgID, roundID).Scan(ctx, &out)
	}))
	return out
}

// barrier holds each read of a link whose query names match until n
// such reads are done (or a few seconds pass), so that n submissions
// through one link all find it unused before any claims it.
type barrier struct {
	match string
	n     int
	mu    sync.Mutex
	seen  int
	all   chan struct{}
}

func (b *barrier) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (b *barrier) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if !strings.HasPrefix(e.Query, "SELECT") || !strings.Contains(e.Query, b.match) {
		return
	}
	b.mu.Lock()
	b.seen++
	if b.seen == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
	case <-time.After(5 * time.Second):
	}
}

// TestLinks: a link's token answers once; used, unknown and malformed
// tokens, missing consent and a closed round are refused, and a refused
// form leaves the link for another try. Only the tokens' hashes are
// stored.
func TestLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, a := f.municipality(t)
	q := f.questionnaire(t, o, nil)
	r := f.round(t, o, q, 2026)
	tokens := f.links(t, o, r, 3)

	var want []string
	for _, tok := range tokens {
		if len(tok) != 32 || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Errorf("token %q is not 32 characters of base32", tok)
		}
		want = append(want, survey.HashToken(tok))
	}
	slices.Sort(want)
	stored := f.linkHashes(t, o.ID, r.ID)
	if len(slices.Compact(slices.Clone(want))) != 3 {
		t.Errorf("tokens not distinct: %v", tokens)
	}
	if !slices.Equal(stored, want) {
		t.Errorf("stored %v, want the three tokens' hashes %v", stored, want)
	}
	for _, s := range stored {
		if slices.Contains(tokens, s) || len(s) != 64 {
			t.Errorf("stored %q is not a hash", s)
		}
	}

	rsp, err := f.svc.Link(f.ctx, tokens[0])
	noErr(t, err)
	if rsp.Org.ID != o.ID || rsp.Round.ID != r.ID || rsp.Used {
		t.Errorf("link opens org %d round %d used %v", rsp.Org.ID, rsp.Round.ID, rsp.Used)
	}
	answers := survey.Answers{Consent: true, Values: map[string]string{"job": "4", "home": "3"}}
	count := func() int {
		t.Helper()
		res, err := f.svc.Results(f.ctx, o, r.ID)
		noErr(t, err)
		return res.Rose.Respondents
	}

	t.Run("ErrConsent", func(t *testing.T) {
		err := f.svc.Submit(f.ctx, tokens[0], survey.Answers{Values: answers.Values})
		wantCode(t, "without consent", err, app.EInvalid, "survey.error.consent")
		if e := app.AsError(err); e != nil && e.Field != "consent" {
			t.Errorf("field %q, want consent", e.Field)
		}
		if _, used, _ := f.svc.LinkCounts(f.ctx, o, r.ID); used != 0 || count() != 0 {
			t.Errorf("a form without consent used the link (%d used) or stored a response", used)
		}
	})
	t.Run("OK", func(t *testing.T) {
		noErr(t, f.svc.Submit(f.ctx, tokens[0], answers))
		if n := count(); n != 1 {
			t.Errorf("%d respondents, want 1", n)
		}
		rsp, err := f.svc.Link(f.ctx, tokens[0])
		noErr(t, err)
		if !rsp.Used {
			t.Error("the link is not marked used")
		}
	})
	t.Run("ErrLinkUsed", func(t *testing.T) {
		err := f.svc.Submit(f.ctx, tokens[0], answers)
		if !errors.Is(err, survey.ErrLinkUsed) {
			t.Errorf("second submission: %v, want %v", err, survey.ErrLinkUsed)
		}
		wantCode(t, "second submission", err, app.EConflict, "survey.error.link_used")
		if n := count(); n != 1 {
			t.Errorf("%d respondents after a second submission, want 1", n)
		}
	})
	t.Run("ErrLinkUsedConcurrently", func(t *testing.T) {
		// All open the unused link before any claims it; one claim wins.
		tok := f.links(t, o, r, 1)[0]
		const n = 4
		f.bdb.AddQueryHook(&barrier{match: survey.HashToken(tok), n: n, all: make(chan struct{})})
		errs := make(chan error, n)
		for range n {
			go func() { errs <- f.svc.Submit(f.ctx, tok, answers) }()
		}
		ok := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				ok++
			case !errors.Is(err, survey.ErrLinkUsed):
				t.Errorf("concurrent submission: %v", err)
			}
		}
		if ok != 1 || count() != 2 {
			t.Errorf("%d of %d concurrent submissions through one link stored, %d respondents; want 1, 2", ok, n, count())
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, tok := range []string{survey.NewToken(), "not-a-token", strings.ToUpper(tokens[1]), survey.HashToken(tokens[1])} {
			wantCode(t, "token "+tok, f.svc.Submit(f.ctx, tok, answers), app.ENotFound, "survey.error.link_unknown")
			if _, err := f.svc.Link(f.ctx, tok); !app.IsNotFound(err) {
				t.Errorf("opening %q: %v, want not found", tok, err)
			}
		}
	})
	t.Run("ErrOtherOrg", func(t *testing.T) {
		other, _ := f.municipality(t)
		if _, err := f.svc.MakeLinks(f.ctx, other, r.ID, 1); !app.IsNotFound(err) {
			t.Errorf("links for another municipality's round: %v, want not found", err)
		}
	})
	t.Run("ErrRoundClosed", func(t *testing.T) {
		_, err := f.svc.CloseRound(f.ctx, o, a, r.ID)
		noErr(t, err)
		if err := f.svc.Submit(f.ctx, tokens[1], answers); !errors.Is(err, survey.ErrRoundClosed) {
			t.Errorf("submitting to a closed round: %v, want %v", err, survey.ErrRoundClosed)
		}
		if err := f.svc.Interview(f.ctx, o, r.ID, answers); !errors.Is(err, survey.ErrRoundClosed) {
			t.Errorf("interview in a closed round: %v, want %v", err, survey.ErrRoundClosed)
		}
		if _, err := f.svc.MakeLinks(f.ctx, o, r.ID, 1); !errors.Is(err, survey.ErrRoundClosed) {
			t.Errorf("links for a closed round: %v, want %v", err, survey.ErrRoundClosed)
		}
		made, used, err := f.svc.LinkCounts(f.ctx, o, r.ID)
		noErr(t, err)
		if made != 4 || used != 2 || count() != 2 {
			t.Errorf("after the closed round's refusals: %d made, %d used, %d respondents; want 4, 2, 2", made, used, count())
		}
		// Reopened, the unused link answers.
		_, err = f.svc.ReopenRound(f.ctx, o, a, r.ID)
		noErr(t, err)
		noErr(t, f.svc.Submit(f.ctx, tokens[1], answers))
		if n := count(); n != 3 {
			t.Errorf("%d respondents after reopening, want 3", n)
		}
	})
	t.Run("ErrCount", func(t *testing.T) {
		for _, n := range []int{0, survey.MaxLinks + 1} {
			if _, err := f.svc.MakeLinks(f.ctx, o, r.ID, n); app.ErrorCode(err) != app.EInvalid {
				t.Errorf("%d links: %v, want invalid", n, err)
			}
		}
	})
}
