package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// The organisation's send log: every reminder, report, agenda and digest
// the workers sent, to whom and when.

func (s *Server) remindLogRoutes() {
	s.org("GET", "/o/:org/admin/sent", authz.AuditRead, s.handleSendLog)
}

type sendLogPage struct {
	formPage
	Org     *org.Organisation
	Kinds   []string
	Kind    string
	Query   string
	Entries []sentRow
	Page    Pagination
}

// sentRow is a send log line with its rule in words («14 dager før»).
type sentRow struct {
	remind.Sent
	RuleText string
}

// ruleText answers rule («before:14», «overdue:21», «due», «escalate»,
// «stalled», or a report's own) in loc's words; "" for one it does not know.
func (s *Server) ruleText(loc, rule string) string {
	name, arg, _ := strings.Cut(rule, ":")
	switch name {
	case remind.RuleBefore, remind.RuleOverdue:
		n, err := strconv.Atoi(arg)
		if err != nil {
			return ""
		}
		return s.Catalog.N(loc, "admin.sent.rule."+name, n)
	case remind.RuleDue, remind.RuleEscalate, remind.RuleStalled:
		return s.Catalog.T(loc, "admin.sent.rule."+name)
	}
	return ""
}

func (s *Server) handleSendLog(c *gin.Context) error {
	o := orgOf(c)
	const perPage = 50
	data := &sendLogPage{formPage: formPage{Layout: s.adminLayout(c, "sent")}, Org: o, Kinds: remind.Kinds}
	data.Kind, data.Query = c.Query("kind"), strings.TrimSpace(c.Query("q"))
	if data.Kind != "" && !slices.Contains(remind.Kinds, data.Kind) {
		data.Kind = ""
	}
	if len(data.Query) > remind.MaxSendLogQuery {
		data.Errors = map[string]string{"q": s.Catalog.T(s.locale(c), "error.too_long", "max", remind.MaxSendLogQuery)}
		s.render(c, http.StatusUnprocessableEntity, "admin/sent.html", data)
		return nil
	}
	f := remind.SendLogFilter{Kind: data.Kind, Query: data.Query, Limit: perPage}
	if page, _ := strconv.Atoi(c.Query("page")); page > 1 {
		f.Offset = (page - 1) * perPage
	}
	entries, total, err := s.Reminders.SendLog(c.Request.Context(), o.ID, f)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	for _, e := range entries {
		data.Entries = append(data.Entries, sentRow{Sent: e, RuleText: s.ruleText(loc, e.Rule)})
	}
	data.Page = paginate(c, total, perPage)
	s.render(c, http.StatusOK, "admin/sent.html", data)
	return nil
}
