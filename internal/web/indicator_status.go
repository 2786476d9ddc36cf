package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

type indicatorStatusMember struct {
	Name     string
	Expected int
	Reported int
	Done     bool
	Locked   bool
}

type indicatorStatusPeriod struct {
	Period  string
	Title   string
	Members []indicatorStatusMember
	Locked  bool // the reader's own lock (a municipality)
}

type indicatorStatusPage struct {
	Layout
	Org          *org.Organisation
	Base         string
	Municipality bool
	CanEdit      bool
	Periods      []indicatorStatusPeriod
	Kind         string
	Year         string
	// Threshold is a network's small-count threshold, which its
	// coordinators set here (0 for a municipality or county).
	Threshold    int
	MinThreshold int
}

// statusMonths is how many months a municipality's own status shows.
const statusMonths = 6

// handleIndicatorStatus shows who has reported: a network's or county's
// members for one period (?period=, the last month by default), a
// municipality's own status over the last months.
func (s *Server) handleIndicatorStatus(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	cur := prevPeriod(indicator.PeriodOf(indicator.Monthly, s.Clock.Now().In(o.Location())))
	var periods []indicator.Period
	if q := c.Query("period"); q != "" {
		p, ok := indicator.ParsePeriod(q)
		if !ok {
			p = cur
		}
		periods = append(periods, p)
	} else if o.Kind == org.KindMunicipality {
		for p, i := cur, 0; i < statusMonths; p, i = prevPeriod(p), i+1 {
			periods = append(periods, p)
		}
		periods = append(periods, indicator.Period{Year: cur.Year - 1, Kind: indicator.Yearly})
	} else {
		periods = append(periods, cur, indicator.Period{Year: cur.Year - 1, Kind: indicator.Yearly})
	}
	sts, locks, err := s.Indicators.StatusOver(ctx, o, periods)
	if err != nil {
		return err
	}
	data := &indicatorStatusPage{Org: o, Base: indicatorsURL(o), Municipality: o.Kind == org.KindMunicipality,
		CanEdit: s.allowed(c, authz.ContentWrite), Year: periods[0].Key(), MinThreshold: indicator.MinThreshold}
	if o.Kind == org.KindNetwork {
		data.Threshold = max(o.SmallCountThreshold, indicator.MinThreshold)
	}
	for i, p := range periods {
		row := indicatorStatusPeriod{Period: p.Key(), Title: p.Key()}
		if p.Kind == indicator.Monthly {
			row.Title = s.periodTitle(l, p)
		}
		for _, lk := range locks {
			if lk.Period == p.Key() {
				row.Locked = true
			}
		}
		for _, m := range sts[i] {
			if o.Kind == org.KindMunicipality && m.Org.ID != o.ID {
				continue
			}
			row.Members = append(row.Members, indicatorStatusMember{Name: m.Org.Name, Expected: m.Expected, Reported: m.Reported,
				Done: m.Done(), Locked: m.Locked})
		}
		data.Periods = append(data.Periods, row)
	}
	data.Layout = s.indicatorCrumbs(c, Crumb{Label: s.Catalog.T(l, "indicator.status.title")})
	s.render(c, http.StatusOK, "indicator/status.html", data)
	return nil
}

// handleIndicatorThreshold sets a network's small-count threshold.
func (s *Server) handleIndicatorThreshold(c *gin.Context) error {
	o := orgOf(c)
	n, err := strconv.Atoi(strings.TrimSpace(c.PostForm("threshold")))
	if err != nil {
		n = -1 // refused with the range by the service
	}
	if err := s.Indicators.SetThreshold(c.Request.Context(), o, n); err != nil {
		return err
	}
	return s.doneTo(c, indicatorsURL(o)+"/status", "indicator.threshold.saved")
}
