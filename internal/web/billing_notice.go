package web

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// billingNotice is the line under the header about the organisation's
// subscription.
type billingNotice struct {
	Kind string // read_only, grace, trial
	Text string
	URL  string // the billing page, for those who may act on it
}

// trialNoticeDays is how long before its end a trial is announced to
// owners.
const trialNoticeDays = 14

// billingNotice answers the notice for the actor on an organisation's
// page, or nil: every member of a read-only organisation reads why and
// who can change it; owners also read of a payment overdue (with the
// day access becomes read-only) and of a trial about to end. Without
// billing configured, or outside an organisation, there is none and
// nothing is read.
func (s *Server) billingNotice(c *gin.Context, a *app.Actor, loc string) *billingNotice {
	v, ok := c.Get(ctxOrg)
	if !ok || !s.Billing.Configured() || a.OrgID == 0 {
		return nil
	}
	o := v.(*org.Organisation)
	e, err := s.Billing.Entitlement(c.Request.Context(), o)
	if err != nil {
		s.Logger.Warn("billing notice", "org_id", o.ID, "err", err)
		return nil
	}
	owner := s.Authz.Allowed(a.UserID, a.Role, a.OrgID, authz.BillingManage)
	n := &billingNotice{}
	if owner {
		n.URL = "/o/" + o.Slug + "/admin/billing"
	}
	day := func(t time.Time) string { return i18n.FormatDate(loc, t.In(o.Location())) }
	who := "member"
	if owner {
		who = "owner"
	}
	switch {
	case !e.Write:
		n.Kind, n.Text = "read_only", s.Catalog.T(loc, "billing.notice.read_only."+e.Reason+"."+who, "date", day(e.Since))
	case e.Grace && owner:
		n.Kind, n.Text = "grace", s.Catalog.T(loc, "billing.notice.grace", "date", day(e.GraceEnds))
	case e.Trial && owner && e.TrialEnds.Sub(s.Clock.Now()) < trialNoticeDays*24*time.Hour:
		n.Kind, n.Text = "trial", s.Catalog.T(loc, "billing.notice.trial", "date", day(e.TrialEnds))
	default:
		return nil
	}
	return n
}
