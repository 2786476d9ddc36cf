package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
)

// termCache keeps organisations' term overrides for a short while: every
// page may name a term, and overrides change rarely. Another process's
// change shows within termTTL.
type termCache struct {
	mu      sync.Mutex
	entries map[int64]termEntry
}

type termEntry struct {
	terms org.TermOverrides
	at    time.Time
}

const termTTL = 30 * time.Second

func (s *Server) termsOf(ctx context.Context, orgID int64) (org.TermOverrides, error) {
	s.terms.mu.Lock()
	e, ok := s.terms.entries[orgID]
	s.terms.mu.Unlock()
	if ok && s.Clock.Now().Sub(e.at) < termTTL {
		return e.terms, nil
	}
	t, err := s.Orgs.Terms(ctx, orgID)
	if err != nil {
		return nil, err
	}
	s.terms.mu.Lock()
	if s.terms.entries == nil {
		s.terms.entries = map[int64]termEntry{}
	}
	s.terms.entries[orgID] = termEntry{terms: t, at: s.Clock.Now()}
	s.terms.mu.Unlock()
	return t, nil
}

func (s *Server) forgetTerms(orgID int64) {
	s.terms.mu.Lock()
	delete(s.terms.entries, orgID)
	s.terms.mu.Unlock()
}

// Term answers the page's label for a key domain term: the
// organisation's own word in the page's language, else the default.
func (l *Layout) Term(key string) string {
	if v := l.termOverrides[key]; v != "" {
		return v
	}
	return l.translate("term." + key)
}

type termRow struct {
	Key      string
	Defaults map[string]string // locale → default label
}

type termsPage struct {
	formPage
	Org       *org.Organisation
	Rows      []termRow
	Locales   []string
	CanManage bool
}

func (s *Server) handleTerms(c *gin.Context) error {
	o := orgOf(c)
	data := &termsPage{formPage: formPage{Values: map[string]string{}}}
	t, err := s.termsOf(c.Request.Context(), o.ID)
	if err != nil {
		return err
	}
	for loc, terms := range t {
		for k, v := range terms {
			data.Values[k+"."+loc] = v
		}
	}
	return s.renderTerms(c, http.StatusOK, data)
}

func (s *Server) renderTerms(c *gin.Context, status int, data *termsPage) error {
	o := orgOf(c)
	data.Org, data.Locales, data.CanManage = o, org.Locales, s.allowed(c, authz.OrgManage)
	data.Layout.Nav = "terms"
	for _, k := range org.Terms {
		row := termRow{Key: k, Defaults: map[string]string{}}
		for _, loc := range org.Locales {
			row.Defaults[loc] = s.Catalog.T(loc, "term."+k)
		}
		data.Rows = append(data.Rows, row)
	}
	s.render(c, status, "org/terms.html", data)
	return nil
}

// handleTermsUpdate saves the organisation's words, all at once.
func (s *Server) handleTermsUpdate(c *gin.Context) error {
	o := orgOf(c)
	overrides := org.TermOverrides{}
	data := &termsPage{formPage: formPage{Values: map[string]string{}}}
	for _, loc := range org.Locales {
		overrides[loc] = map[string]string{}
		for _, k := range org.Terms {
			v := c.PostForm(k + "." + loc)
			overrides[loc][k] = v
			data.Values[k+"."+loc] = v
		}
	}
	err := s.Orgs.SaveTerms(c.Request.Context(), o, overrides)
	if app.ErrorCode(err) == app.EInvalid {
		data.fail(s, c, err)
		return s.renderTerms(c, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return err
	}
	s.forgetTerms(o.ID)
	s.setFlash(c, "terms.saved")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/terms")
	return nil
}

type accessibilityPage struct{ Layout }

// handleAccessibility is the accessibility statement public bodies must
// publish (in Norway under the regulation on universal design of ICT).
func (s *Server) handleAccessibility(c *gin.Context) error {
	s.render(c, http.StatusOK, "core/accessibility.html", &accessibilityPage{})
	return nil
}
