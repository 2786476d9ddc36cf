package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/plan"
)

// planPublicRoutes registers the published plans' pages and API, readable
// without signing in (plan.Service.PublicPlan says what they show).
//
// They take no rate limit of their own: they only read, a limit would
// write a counter to the database on every request, and no other public
// read is limited. Anonymous answers may instead be kept by shared caches
// for publicMaxAge, so a proxy in front absorbs a burst.
func (s *Server) planPublicRoutes() {
	s.public("GET", "/p/:org/plans", s.handlePublicPlans)
	s.public("GET", "/p/:org/plans/:plan", s.handlePublicPlan) // also «:plan.pdf»
	s.public("GET", "/p/:org/plans/:plan/pdf", s.handlePublicPlanPDF)
	s.public("GET", "/api/v1/public/orgs/:org/plans", s.handleAPIPublicPlans)
	s.public("GET", "/api/v1/public/orgs/:org/plans/:plan", s.handleAPIPublicPlan)
}

// publicMaxAge is how long, in seconds, a published plan's answer may be
// cached.
const publicMaxAge = 300

// publicCache lets shared caches keep an anonymous visitor's answer for
// publicMaxAge (the language comes from a cookie, hence Vary). A signed-in
// visitor's page carries their own menu: it is kept by no one.
func publicCache(c *gin.Context) {
	if app.ActorFrom(c.Request.Context()) != nil {
		c.Header("Cache-Control", "no-store")
		return
	}
	c.Header("Cache-Control", "public, max-age="+strconv.Itoa(publicMaxAge))
	c.Header("Vary", "Cookie")
}

// publicLocale is the language of a public page: the one the visitor
// chose (as a user, or on this browser), else the municipality's own.
// renderPublic renders the public page name: in the visitor's language
// or the organisation's (orgLocale), with crumbs, cached as public pages
// are (publicCache).
func (s *Server) renderPublic(c *gin.Context, orgLocale, name string, data page, crumbs ...Crumb) {
	*data.layout() = Layout{Locale: s.publicLocale(c, orgLocale), Breadcrumbs: crumbs}
	publicCache(c)
	s.render(c, http.StatusOK, name, data)
}

func (s *Server) publicLocale(c *gin.Context, orgLocale string) string {
	if a := app.ActorFrom(c.Request.Context()); a != nil && i18n.Supported(a.Locale) {
		return a.Locale
	}
	if ck, err := c.Request.Cookie(langCookie); err == nil && i18n.Supported(ck.Value) {
		return ck.Value
	}
	if i18n.Supported(orgLocale) {
		return orgLocale
	}
	return s.locale(c)
}

func publicPlansURL(slug string) string { return "/p/" + slug + "/plans" }

func publicPlanURL(slug string, id int64) string {
	return publicPlansURL(slug) + "/" + strconv.FormatInt(id, 10)
}

type publicPlansPage struct {
	Layout
	Org   plan.PublicOrg
	Plans []plan.PublicPlan
}

func (s *Server) handlePublicPlans(c *gin.Context) error {
	o, list, err := s.Plans.PublicPlans(c.Request.Context(), c.Param("org"))
	if err != nil {
		return err
	}
	data := &publicPlansPage{Org: o, Plans: list}
	s.renderPublic(c, o.Locale, "plan/public_index.html", data, Crumb{Label: o.Name})
	return nil
}

type publicPlanPage struct {
	Layout
	Plan     *plan.PublicPlan
	Statuses []string
	URL      string // the plan's public address
}

// publicPlan reads the plan the path names; pdf says the address asked
// for its PDF («12.pdf»).
func (s *Server) publicPlan(c *gin.Context) (p *plan.PublicPlan, pdf bool, err error) {
	raw := c.Param("plan")
	raw, pdf = strings.CutSuffix(raw, ".pdf")
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || id <= 0 {
		return nil, false, app.Errorf(app.ENotFound, "plan.error.not_found")
	}
	p, err = s.Plans.PublicPlan(c.Request.Context(), c.Param("org"), id)
	return p, pdf, err
}

func (s *Server) handlePublicPlan(c *gin.Context) error {
	p, pdf, err := s.publicPlan(c)
	if err != nil {
		return err
	}
	if pdf {
		return s.writePublicPlanPDF(c, p)
	}
	data := &publicPlanPage{Plan: p, Statuses: measure.Statuses, URL: publicPlanURL(p.Org.Slug, p.ID)}
	s.renderPublic(c, p.Org.Locale, "plan/public.html", data, Crumb{Label: p.Org.Name, URL: publicPlansURL(p.Org.Slug)}, Crumb{Label: p.Title})
	return nil
}

func (s *Server) handlePublicPlanPDF(c *gin.Context) error {
	p, pdf, err := s.publicPlan(c)
	if err != nil {
		return err
	}
	if pdf { // «12.pdf/pdf»
		return app.Errorf(app.ENotFound, "plan.error.not_found")
	}
	return s.writePublicPlanPDF(c, p)
}

func (s *Server) writePublicPlanPDF(c *gin.Context, p *plan.PublicPlan) error {
	loc := s.publicLocale(c, p.Org.Locale)
	texts := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
	now := s.Clock.Now()
	// Rendering costs far more than reading, and anyone may ask without
	// signing in: a PDF is made once for what it shows (the plan as read,
	// the language, the day printed on it) and served from memory after.
	shows, err := json.Marshal(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(append(shows, loc+now.Format(time.DateOnly)...))
	key := hex.EncodeToString(sum[:])
	pdf, ok := s.publicPDFs.get(key)
	if !ok {
		var buf bytes.Buffer
		if err := p.Document(loc, texts, now).WritePDF(&buf); err != nil {
			return err
		}
		pdf = buf.Bytes()
		s.publicPDFs.put(key, pdf)
	}
	name := p.Org.Name + " – " + p.Title + ".pdf"
	c.Header("Content-Disposition", files.ContentDisposition("inline", name))
	publicCache(c)
	c.Data(http.StatusOK, "application/pdf", pdf)
	return nil
}

// pdfCache keeps the last maxPublicPDFs public PDFs made, by a key of what
// they show; the oldest made goes first. The zero value is ready to use.
type pdfCache struct {
	mu    sync.Mutex
	byKey map[string][]byte
	order []string
}

// maxPublicPDFs bounds the memory public PDFs take (a plan's is some
// hundred kilobytes).
const maxPublicPDFs = 32

func (c *pdfCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.byKey[key]
	return b, ok
}

func (c *pdfCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string][]byte{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= maxPublicPDFs {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.byKey[key] = b
	c.order = append(c.order, key)
}

// handleAPIPublicPlans lists a municipality's published plans.
func (s *Server) handleAPIPublicPlans(c *gin.Context) error {
	o, list, err := s.Plans.PublicPlans(c.Request.Context(), c.Param("org"))
	if err != nil {
		return err
	}
	type item struct {
		plan.PublicPlan
		URL string `json:"url"`
	}
	out := make([]item, 0, len(list))
	for _, p := range list {
		out = append(out, item{PublicPlan: p, URL: publicPlanURL(o.Slug, p.ID)})
	}
	publicCache(c)
	c.JSON(http.StatusOK, gin.H{"organisation": o, "plans": out})
	return nil
}

// handleAPIPublicPlan answers a published plan with its tree and summary.
func (s *Server) handleAPIPublicPlan(c *gin.Context) error {
	p, pdf, err := s.publicPlan(c)
	if err != nil {
		return err
	}
	if pdf {
		return app.Errorf(app.ENotFound, "plan.error.not_found")
	}
	publicCache(c)
	c.JSON(http.StatusOK, struct {
		*plan.PublicPlan
		URL string `json:"url"`
	}{p, publicPlanURL(p.Org.Slug, p.ID)})
	return nil
}
